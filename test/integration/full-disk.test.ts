// A full disk under the state directory (a small tmpfs) fails the build with an error
// that names the action and the cause, not a crash with a stack trace; the next build,
// with space, succeeds. The tmpfs is unmounted even when the test fails.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { baseRootTarball, FROM_BASE_RECIPE } from '../helpers/base-root.js';
import { debstep, mountsUnder, tempDir } from '../helpers/debstep.js';

const exec = promisify(execFile);
let base: string;

before(async () => {
  base = await baseRootTarball();
});

const RECIPE = `${FROM_BASE_RECIPE}  - action: pack
    file: root.tar.zst
`;

test('a state directory that fills up fails the build in the action, says why, and a build with space succeeds', async (t) => {
  const dir = await tempDir(t);
  const state = join(dir, 'state');
  await mkdir(state);
  await copyFile(base, join(dir, 'base.tar.gz'));
  await writeFile(join(dir, 'recipe.yaml'), RECIPE);
  const art = join(dir, 'out');
  await mkdir(art);
  const args = ['build', 'recipe.yaml', '--backend', 'host', '--artifactdir', art, '--state-dir', state];
  await exec('mount', ['-t', 'tmpfs', '-o', 'size=150M,mode=755', 'debstep-full-disk', state]);
  // Unmounted here, not in an after hook: the temporary directory's removal (an after hook
  // too) fails while the tmpfs is mounted in it.
  try {
    const full = await debstep(args, { cwd: dir });
    const output = full.stdout + full.stderr;
    assert.equal(full.code, 1, output);
    assert.match(full.stderr, /^error: Action 'unpack' failed at stage Run: /m, output);
    assert.match(output, /No space left on device/);
    assert.match(full.stderr, /^hint: the disk is full where the build writes its root and layers \(.*\/state\/builds\/recipe-[^:]*: \d+ MB free of 157 MB\); free some space there, or choose another --state-dir$/m);
    assert.doesNotMatch(output, /Emitted 'error' event|^\s+at /m, 'no crash, no stack trace');
    assert.deepEqual(await readdir(art), [], 'no artifact');
    const keys = join(state, 'cache/layers/keys');
    assert.deepEqual(await readdir(keys).catch(() => []), [], 'nothing of the failed action in the layer cache');
    assert.deepEqual((await mountsUnder(state)).filter((p) => p !== state), []);

    await exec('mount', ['-o', 'remount,size=2G', state]);
    const ok = await debstep(args, { cwd: dir });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.ok((await readdir(art)).includes('root.tar.zst'));
    assert.ok((await readdir(keys)).length > 0, 'the actions are in the cache now');
  } finally {
    await exec('umount', [state]);
  }
});
