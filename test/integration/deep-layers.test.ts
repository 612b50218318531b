// A root of many layers (issue 20: util-linux 2.39 and newer refused the overlay of a few);
// test/hosts builds the same recipe on Debian 12 and 13 userlands, on both backends.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, tarList, tarRead, tempDir } from '../helpers/debstep.js';
import { deepRecipe } from '../helpers/deep-recipe.js';

const DEPTH = 44;

test(`a root of ${DEPTH + 1} layers mounts, under a long state directory, from the build and from the cache`, async (t) => {
  const dir = await tempDir(t);
  await copyFile(await baseRootTarball(), join(dir, 'base.tar.gz'));
  const state = join(dir, 'a-state-directory-whose-name-is-long-enough-to-matter', 'and-deeper-still');
  await mkdir(state, { recursive: true });
  await writeFile(join(dir, 'deep.yaml'), deepRecipe(DEPTH));
  const build = () => debstep(['build', join(dir, 'deep.yaml'), '--artifactdir', dir, '--state-dir', state]);

  const first = await build();
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const members = await tarList(join(dir, 'deep.tar.gz'));
  for (let i = 0; i < DEPTH; i++) assert.ok(members.includes(`./etc/layer-${i}`), `layer ${i} missing`);

  // The last action changed: every layer below it comes from the cache's store (absolute paths).
  await writeFile(join(dir, 'deep.yaml'), deepRecipe(DEPTH, 'changed'));
  const second = await build();
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.equal(`${second.stdout}${second.stderr}`.match(/^==== \w+ ==== \(cached\)$/gm)?.length, DEPTH, second.stdout + second.stderr);
  assert.equal((await tarRead(join(dir, 'deep.tar.gz'), `./etc/layer-${DEPTH - 1}`)).toString(), 'changed\n');
  assert.deepEqual(await mountsUnder(dir), []);
});
