import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostRootFiles, resolveInRoot } from '../../../src/vm/host/root-files.js';

async function root(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-root-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const r = join(dir, 'root');
  await mkdir(join(r, 'usr/lib'), { recursive: true });
  await symlink('usr/lib', join(r, 'lib'));
  await symlink('/usr/lib', join(r, 'abs-lib'));
  await symlink('/etc', join(r, 'hostetc'));
  await symlink('../../../..', join(r, 'up'));
  return { dir, r };
}

test('paths resolve as in the chroot: .. stops at the root, absolute links stay inside', async (t) => {
  const { r } = await root(t);
  assert.equal(await resolveInRoot(r, '/lib/x'), join(r, 'usr/lib/x'));
  assert.equal(await resolveInRoot(r, '/abs-lib/x'), join(r, 'usr/lib/x'));
  assert.equal(await resolveInRoot(r, '/hostetc/passwd'), join(r, 'etc/passwd'));
  assert.equal(await resolveInRoot(r, '/../../etc/passwd'), join(r, 'etc/passwd'));
  assert.equal(await resolveInRoot(r, '/up/etc/passwd'), join(r, 'etc/passwd'));
  assert.equal(await resolveInRoot(r, '/lib', false), join(r, 'lib'), 'the last link is kept when asked');
});

test('symlink loops are an error, not a hang', async (t) => {
  const { r } = await root(t);
  await symlink('/loop-b', join(r, 'loop-a'));
  await symlink('/loop-a', join(r, 'loop-b'));
  await assert.rejects(resolveInRoot(r, '/loop-a/x'), /too many levels of symbolic links/);
});

test('copyIn keeps modes and links, replaces links with files, never writes to the host', async (t) => {
  const { dir, r } = await root(t);
  const src = join(dir, 'src');
  await mkdir(join(src, 'hostetc'), { recursive: true });
  await mkdir(join(src, 'lib'), { recursive: true });
  await writeFile(join(src, 'hostetc', 'debstep-should-not-exist'), 'x');
  await writeFile(join(src, 'lib', 'tool'), '#!/bin/sh\n');
  await chmod(join(src, 'lib', 'tool'), 0o4755);
  await symlink('tool', join(src, 'lib', 'tool-link'));
  await writeFile(join(r, 'usr/lib/replace-me-target'), 'old');
  await symlink('replace-me-target', join(r, 'usr/lib/replace-me'));
  await writeFile(join(src, 'lib', 'replace-me'), 'new');
  const files = new HostRootFiles(r);
  await files.copyIn(src, '/');
  await assert.rejects(stat('/etc/debstep-should-not-exist'));
  assert.equal(await readFile(join(r, 'etc/debstep-should-not-exist'), 'utf8'), 'x');
  assert.equal((await stat(join(r, 'usr/lib/tool'))).mode & 0o7777, 0o4755);
  assert.equal(await readlink(join(r, 'usr/lib/tool-link')), 'tool');
  assert.ok((await lstat(join(r, 'usr/lib/replace-me'))).isFile(), 'the link itself was replaced');
  assert.equal(await readFile(join(r, 'usr/lib/replace-me-target'), 'utf8'), 'old');
});
