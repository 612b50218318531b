// What debstep makes in the root and its layers has fixed modes, whatever the umask of the
// process making it (the builder's 002 or 077 would otherwise show in the tarball).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILD_UMASK, fixUmask } from '../../../src/core/umask.js';
import { DirLayerStore } from '../../../src/vm/host/layer-store.js';
import { HostRootFiles } from '../../../src/vm/host/root-files.js';

/** Runs `fn` with the process's umask set to `mask`, then puts the old one back. */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const old = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(old);
  }
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

for (const mask of [0o002, 0o077, 0o027]) {
  test(`with umask ${mask.toString(8).padStart(3, '0')}, a new layer's upper directory (the root's mode) and directories and files made in the root have their fixed modes`, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'debstep-umask-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    await withUmask(mask, async () => {
      const store = new DirLayerStore(join(dir, 'layers'));
      await store.create('abc');
      assert.equal(await modeOf(join(dir, 'layers', 'abc')), 0o755);
      await mkdir(join(dir, 'root'));
      const files = new HostRootFiles(join(dir, 'root'));
      await files.mkdir('/etc/deep/er');
      await files.mkdir('/srv/private', 0o700);
      await files.writeFile('/etc/deep/er/file', 'x');
      assert.equal(await modeOf(join(dir, 'root/etc')), 0o755);
      assert.equal(await modeOf(join(dir, 'root/etc/deep/er')), 0o755);
      assert.equal(await modeOf(join(dir, 'root/srv/private')), 0o700);
      assert.equal(await modeOf(join(dir, 'root/etc/deep/er/file')), 0o644);
    });
  });
}

test('the build fixes the umask to 022 for itself and every command it starts', async () => {
  await withUmask(0o077, async () => {
    fixUmask();
    assert.equal(process.umask(), BUILD_UMASK);
    assert.equal(BUILD_UMASK, 0o022);
  });
});
