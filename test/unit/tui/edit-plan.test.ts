import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { planRecipe } from '../../../src/engine/recipe/plan.js';
import { stepInfo } from '../../../src/engine/recipe/plan.js';
import { decideEdit, stepSources } from '../../../src/tui/edit-plan.js';

const recipe = (...commands: string[]) =>
  `architecture: amd64\nactions:\n${commands.map((c, i) => `  - action: run\n    description: Step ${i + 1}\n    command: ${c}\n`).join('')}`;

async function plans(t: { after: (fn: () => Promise<void>) => void }, before: string, after: string) {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-edit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'r.yaml');
  await writeFile(file, before);
  const old = await planRecipe(file);
  await writeFile(file, after);
  return { old, next: await planRecipe(file), file };
}

test('an edit of the paused action or later ones is adopted from the pause', async (t) => {
  const { old, next } = await plans(t, recipe('true', 'false', 'true'), recipe('true', 'true', 'echo new'));
  assert.deepEqual(decideEdit(old, next, 2), { type: 'adopt', from: 2 });
});

test('an edit of an action that already ran asks for a rewind to it', async (t) => {
  const { old, next } = await plans(t, recipe('true', 'true', 'false'), recipe('echo changed', 'true', 'false'));
  assert.deepEqual(decideEdit(old, next, 3), { type: 'rewind', index: 1, description: 'Step 1' });
});

test('an action inserted before the pause counts as a change there', async (t) => {
  const { old, next } = await plans(t, recipe('true', 'false'), recipe('true', 'echo inserted', 'false'));
  assert.deepEqual(decideEdit(old, next, 2), { type: 'adopt', from: 2 });
  assert.deepEqual(decideEdit(old, next, 3), { type: 'rewind', index: 2, description: 'Step 2' });
});

test('saving without a change changes nothing', async (t) => {
  const { old, next } = await plans(t, recipe('true', 'false'), recipe('true', 'false'));
  assert.deepEqual(decideEdit(old, next, 2), { type: 'unchanged' });
});

test('step infos and sources come from the plan', async (t) => {
  const { next, file } = await plans(t, recipe('true'), recipe('true', 'false'));
  assert.deepEqual(next.steps.map(stepInfo)[1], { index: 2, kind: 'run', description: 'Step 2', where: `${file}:6:5` });
  const source = stepSources(next).get(2);
  assert.equal(source?.file, file);
  assert.equal(source?.where, `${file}:6:5`);
  assert.match(source?.yaml ?? '', /command: false/);
});

test('actions of sub-recipes know their depth and their own recipe file', async () => {
  const plan = await planRecipe('test/fixtures/recipes/nested/test.yaml');
  const sources = [...stepSources(plan).values()];
  assert.ok(sources.every((s) => s.depth >= 1), 'every action of this recipe comes from a sub-recipe');
  assert.ok(sources.some((s) => s.depth === 2), 'subdirs/main.yaml includes another recipe');
  assert.ok(sources.some((s) => s.file === 'test/fixtures/recipes/nested/separate/recipes/main.yaml'));
});
