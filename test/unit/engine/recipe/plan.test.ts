import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { flattenRecipe, planRecipe, warningEvents } from '../../../../src/engine/recipe/plan.js';
import { IMAGE_ACTION, loadErrors, recipe, recipeTree } from './helpers.js';

const fixtures = join(import.meta.dirname, '../../../fixtures/recipes');

test('sub-recipe actions are inlined in order and numbered from 1', async () => {
  const plan = await planRecipe(join(fixtures, 'nested/test.yaml'));
  assert.deepEqual(
    plan.steps.map((s) => [s.number, s.action.kind, s.enclosing.map((e) => e.description)]),
    [
      [1, 'unpack', ['Simple recipe']],
      [2, 'run', ['Simple recipe']],
      [3, 'overlay', ['Recipe in a subdirectory with its own sub-recipe', 'recipe']],
      [4, 'run', ['Recipe in a subdirectory with its own sub-recipe']],
      [5, 'overlay', ['Recipe whose data lives in a sibling directory']],
      [6, 'run', ['Recipe whose data lives in a sibling directory']],
    ],
  );
  assert.equal(plan.steps[2]!.action.recipeDir, join(fixtures, 'nested/subdirs/overlay-a'));
  assert.equal(plan.recipe.file, join(fixtures, 'nested/test.yaml'));
});

test('top-level actions have no enclosing recipe', async () => {
  const plan = await planRecipe(join(fixtures, 'msdos/test.yaml'));
  assert.equal(plan.steps.length, 1);
  assert.deepEqual(plan.steps[0]!.enclosing, []);
  assert.equal(plan.steps[0]!.action.description, 'Partition the image');
});

test('flattening is pure over a loaded recipe', async () => {
  const plan = await planRecipe(join(fixtures, 'anchors/test.yaml'));
  assert.deepEqual(flattenRecipe(plan.recipe).map((s) => s.number), [1, 2, 3]);
});

test('a download in a sub-recipe is an origin for later actions of the parent', async (t) => {
  const dir = await recipeTree(t, {
    'recipe.yaml': recipe(`${IMAGE_ACTION}  - action: recipe\n    recipe: fetch.yaml\n  - action: raw\n    origin: blob\n    source: u-boot.bin\n`),
    'fetch.yaml': recipe('  - action: download\n    url: https://example.org/u-boot.tar\n    name: blob\n    unpack: true\n'),
  });
  const plan = await planRecipe(join(dir, 'recipe.yaml'));
  assert.deepEqual(plan.steps.map((s) => s.action.kind), ['image-partition', 'download', 'raw']);
});

test('an unknown origin is an error at check time', async (t) => {
  const errors = await loadErrors(t, {
    'recipe.yaml': recipe('  - action: unpack\n    origin: firmware\n    file: fw.tar\n  - action: install-deb\n    origin: firmwre\n'),
  });
  assert.deepEqual(errors, [
    'recipe.yaml:4:13: unpack action: unknown origin "firmware"',
    'recipe.yaml:7:13: install-deb action: unknown origin "firmwre"',
  ]);
});

test('warnings come with the plan', async (t) => {
  const dir = await recipeTree(t, { 'recipe.yaml': recipe(`${IMAGE_ACTION}  - action: raw\n    source: artifacts\n    path: u-boot.bin\n`) });
  const plan = await planRecipe(join(dir, 'recipe.yaml'));
  assert.equal(plan.steps.length, 2);
  assert.equal(plan.warnings.length, 1);
  assert.match(plan.warnings[0]!.message, /deprecated/);
  assert.deepEqual([plan.warnings[0]!.where?.line, plan.warnings[0]!.where?.col], [11, 11]);
});

test('recipe warnings become build events in the log of the step written where they point', async (t) => {
  const files = {
    'recipe.yaml': recipe('  - action: run\n    command: a\n  - action: recipe\n    recipe: child.yaml\n  - action: run\n    comand: b\n    command: c\n'),
    'child.yaml': recipe('  - action: apt\n    packages: [x]\n    package: [y]\n'),
  };
  const dir = await recipeTree(t, files);
  const plan = await planRecipe(join(dir, 'recipe.yaml'));
  const events = warningEvents(plan).map((e) => ({ ...e, message: e.message.replaceAll(`${dir}/`, '') }));
  assert.deepEqual(events, [
    { index: 2, message: 'child.yaml:5:5: unknown property "package" in apt action (did you mean "packages"?)' },
    { index: 3, message: 'recipe.yaml:8:5: unknown property "comand" in run action (did you mean "command"?)' },
  ]);
});
