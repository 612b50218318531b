// A full disk: the state directory on a small tmpfs, a recipe that unpacks a base root
// bigger than it. The build fails with an error line naming the action, the filesystem
// that filled and the space the archive needs, instead of node dying on an unhandled
// ENOSPC; nothing half-written stays in the caches, no workspace holds on to the space,
// and the next build, with space, succeeds. Needs root (mount).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, test } from 'node:test';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder } from '../helpers/debstep.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

let base: string;
before(async () => {
  if (isRoot) base = await baseRootTarball();
});

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1));
}

test('a full state directory fails the build with "no space left on", keeps nothing half-written, and the next build succeeds', { skip: !isRoot && 'needs root' }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-full-disk-'));
  const state = join(dir, 'state');
  await mkdir(state);
  // One hook, unmount first: removing the directory under a live mount would fail.
  t.after(async () => {
    await run('umount', ['--lazy', state]).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });
  // The base root unpacks to about 190 MB.
  await run('mount', ['-t', 'tmpfs', '-o', 'size=120m', 'tmpfs', state]);
  await copyFile(base, join(dir, 'base.tar.gz'));
  const art = join(dir, 'out');
  await mkdir(art);
  const recipe = join(dir, 'recipe.yaml');
  await writeFile(
    recipe,
    `architecture: amd64
actions:
  - action: unpack
    description: Unpack the base
    origin: recipe
    file: base.tar.gz
  - action: run
    chroot: true
    command: echo built > /hello
  - action: pack
    file: root.tar.gz
`,
  );
  const args = ['build', recipe, '--disable-fakemachine', '--artifactdir', art, '--state-dir', state];

  const full = await debstep(args);
  assert.equal(full.code, 1, full.stderr);
  const error = /^error: .*$/m.exec(full.stderr)?.[0];
  assert.match(error ?? full.stderr, /^error: Action 'Unpack the base' failed at stage Run: no space left on (\S+) \(\S+ \S*B free of 1\d\d MB\): it needs about 1\d\d MB$/);
  assert.equal(/no space left on (\S+)/.exec(error!)?.[1], state, 'the filesystem that filled is named by where it is mounted');
  assert.ok(!/Emitted 'error' event|\n\s+at .*:\d+:\d+\)?\n/.test(full.stderr), `no crash, no stack trace:\n${full.stderr.slice(-2000)}`);

  // Nothing half-written in the caches: no layer entry, no layer in the store, no partial file.
  const cached = await filesUnder(join(state, 'cache'));
  assert.deepEqual(cached.filter((f) => f.startsWith('layers/keys/') || /partial|\.tmp$/.test(f)), [], cached.join('\n'));
  assert.deepEqual(await readdir(join(state, 'cache', 'layers', 'store')).catch(() => []), [], 'no layer of the failed action stays in the store');
  const digests = await readFile(join(state, 'cache', 'file-digests.json'), 'utf8').catch(() => '{}');
  assert.doesNotThrow(() => JSON.parse(digests), 'the file-digest memo is whole');
  // The half-written root went with its workspace: the space is free again.
  assert.deepEqual((await readdir(join(state, 'builds')).catch(() => [])).filter((n) => n !== 'last'), []);
  assert.deepEqual(await readdir(art), [], 'no artifact');
  assert.deepEqual((await mountsUnder(dir)).filter((m) => m !== state), [], 'nothing left mounted');

  // With space, the same build succeeds.
  await run('mount', ['-o', 'remount,size=600m', state]);
  const ok = await debstep(args);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok((await stat(join(art, 'root.tar.gz'))).size > 0);
});
