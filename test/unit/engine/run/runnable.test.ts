import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { EventBus } from '../../../../src/core/events.js';
import { findAction } from '../../../../src/engine/actions/index.js';
import { planRecipe } from '../../../../src/engine/recipe/plan.js';
import { runnable } from '../../../../src/engine/run/runnable.js';
import { StageContext } from '../../../../src/engine/run/stage.js';
import { Workspace } from '../../../../src/engine/workspace/workspace.js';
import { FakeMachine, fakeServices } from '../../../helpers/fake-machine.js';

/** A recipe of these actions planned in a directory of its own, with a workspace. */
async function planned(t: TestContext, actions: string) {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-runnable-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'r.yaml');
  await writeFile(file, `architecture: amd64\nactions:\n${actions}`);
  return { dir, plan: await planRecipe(file), ws: await Workspace.create(join(dir, 'state'), file) };
}

test("an action's artifact, and its manifests unless --no-manifest, are what a cached result must find", async (t) => {
  const { dir, plan, ws } = await planned(t, '  - action: pack\n    file: images/root.tar.gz\n  - action: run\n    command: "true"\n');
  for (const manifests of [true, false]) {
    const services = { ...fakeServices(new FakeMachine(), new EventBus(), ws, dir), manifests };
    const contexts = plan.steps.map((s) => new StageContext(services, s.number, s.action.recipeDir, 'amd64', 512));
    const [pack, run] = plan.steps.map((s, i) => runnable(s, contexts[i]!));
    const tarball = join(dir, 'images/root.tar.gz');
    const recorded = manifests ? [tarball, `${tarball}.manifest`, `${tarball}.spdx.json`, `${tarball}.sha256`] : [tarball];
    assert.deepEqual(await pack!.cacheEffect(), { leavesRoot: true, artifacts: recorded }, `manifests ${manifests}`);
    const own = await findAction('run')!.cacheEffect!(plan.steps[1]!.action.params as never, contexts[1]!);
    assert.deepEqual(await run!.cacheEffect(), own, 'an action that makes no artifact keeps its own effect');
  }
});

test('a step has the stages its properties use: a postprocess command runs after the machine, the others in the run stage', async (t) => {
  const { dir, plan, ws } = await planned(t, '  - action: run\n    command: "true"\n  - action: run\n    postprocess: true\n    command: "true"\n');
  const services = fakeServices(new FakeMachine(), new EventBus(), ws, dir);
  const [inRun, post] = plan.steps.map((s) => runnable(s, new StageContext(services, s.number, s.action.recipeDir, 'amd64', 512)));
  assert.deepEqual(Object.keys(inRun!.stages), ['run']);
  // Without a postMachine stage to come, the runner mounts no root for one (a VM may not have booted).
  assert.deepEqual(Object.keys(post!.stages), ['postMachine']);
});
