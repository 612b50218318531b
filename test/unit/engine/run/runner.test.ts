import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Controller } from '../../../../src/engine/controller/controller.js';
import { ActionFailure } from '../../../../src/core/errors.js';
import { type BuildEvent, EventBus } from '../../../../src/core/events.js';
import { type Control, runSteps, runStraight, type RunnableStep } from '../../../../src/engine/run/runner.js';
import { StageContext } from '../../../../src/engine/run/stage.js';
import { Workspace } from '../../../../src/engine/workspace/workspace.js';
import { FakeMachine, fakeServices, uncachedRun } from '../../../helpers/fake-machine.js';
import { LayerCache } from '../../../../src/engine/cache/layer-cache.js';
import { Reuse } from '../../../../src/engine/cache/reuse.js';
import { DirLayerStore } from '../../../../src/vm/host/layer-store.js';

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-runner-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const machine = new FakeMachine();
  const bus = new EventBus();
  const events: BuildEvent[] = [];
  bus.add({ write: (e) => void events.push(e) });
  const ws = await Workspace.create(join(dir, 'state'), 'r.yaml');
  const services = fakeServices(machine, bus, ws, dir);
  const log: string[] = [];
  /** A step whose run executes `argv`; stages append to log. */
  const step = (index: number, argv: string[], extra: Partial<RunnableStep['stages']> = {}): RunnableStep => {
    const context = new StageContext(services, index, dir, 'amd64', 512);
    return {
      index, kind: 'run', description: `step ${index}`, context, params: '{}', cacheEffect: async () => 'unknown' as const,
      stages: {
        preNoMachine: async () => void log.push(`pre ${index}`),
        run: async (ctx) => {
          log.push(`run ${index}`);
          await ctx.exec({ argv, chroot: false, label: `s${index}` });
        },
        cleanup: async () => void log.push(`cleanup ${index}`),
        postMachine: async () => void log.push(`post ${index}`),
        postMachineCleanup: async () => void log.push(`postclean ${index}`),
        ...extra,
      },
    };
  };
  const run = (steps: RunnableStep[], control: Control = runStraight, reuse?: Reuse) =>
    runSteps({ recipe: 'r.yaml', steps, control, ...uncachedRun(services, ws), ...(reuse ? { reuse } : {}) });
  return { dir, machine, bus, events, ws, log, step, run };
}

test('stages run in debos order with cleanups last-in first-out', async (t) => {
  const { log, step, run, events } = await setup(t);
  const outcome = await run([step(1, ['true']), step(2, ['true'])]);
  assert.equal(outcome.status, 'success');
  assert.deepEqual(log, ['pre 1', 'pre 2', 'run 1', 'run 2', 'cleanup 2', 'cleanup 1', 'post 1', 'post 2', 'postclean 2', 'postclean 1']);
  const types = events.map((e) => e.type);
  assert.ok(types.includes('action-start') && types.includes('command') && types.includes('snapshot'));
  const cmd = events.find((e) => e.type === 'command');
  assert.equal(cmd?.type === 'command' && cmd.env.http_proxy, 'http://proxy:3128', 'proxies reach host commands');
});

test('each action gets a fresh layer on top of the earlier ones', async (t) => {
  const { machine, step, run } = await setup(t);
  await run([step(1, ['true']), step(2, ['true'])]);
  const mounts = machine.calls.filter((c) => c.what === 'mountRoot').map((c) => c.detail as { upper: string; lowers: string[] });
  assert.deepEqual(mounts.map((m) => [m.upper, m.lowers]), [['L001', ['base']], ['L002', ['L001', 'base']]]);
});

test('a failed action fails the build with its stage, command and output, and cleanups still run', async (t) => {
  const { machine, log, step, run } = await setup(t);
  machine.script = (req) => (req.argv[0] === 'false' ? { status: 3, output: ['first', 'last words'] } : { status: 0 });
  const outcome = await run([step(1, ['true']), step(2, ['false', '--now']), step(3, ['true'])]);
  assert.equal(outcome.status, 'failed');
  assert.ok(outcome.error instanceof ActionFailure);
  assert.match(outcome.error.message, /^Action 'step 2' failed at stage Run: s2: command failed with exit status 3/);
  assert.deepEqual(outcome.error.command?.argv, ['false', '--now']);
  assert.deepEqual(outcome.error.command?.outputTail, ['first', 'last words']);
  assert.ok(!log.includes('run 3'));
  assert.deepEqual(log.filter((l) => l.startsWith('cleanup')), ['cleanup 2', 'cleanup 1']);
  assert.ok(!log.some((l) => l.startsWith('post ')), 'postMachine does not run after a failure');
  assert.deepEqual(log.filter((l) => l.startsWith('postclean')), ['postclean 3', 'postclean 2', 'postclean 1']);
});

test('retry after a failure runs the action again on the root as it was before it', async (t) => {
  const { machine, log, step, run, bus } = await setup(t);
  let attempts = 0;
  machine.script = (req) => (req.argv[0] === 'flaky' && ++attempts === 1 ? { status: 1 } : { status: 0 });
  const steps = [step(1, ['true']), step(2, ['flaky'])];
  const controller = new Controller(steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, where: '' })), { breakpoints: [], stepFirst: false }, bus);
  controller.subscribe((s) => {
    if (s.pause?.reason === 'failure') queueMicrotask(() => controller.send({ type: 'retry' }));
  });
  const outcome = await run(steps, controller);
  assert.equal(outcome.status, 'success');
  assert.equal(attempts, 2);
  assert.deepEqual(log.filter((l) => l.startsWith('run') || l.startsWith('cleanup')), ['run 1', 'run 2', 'cleanup 2', 'run 2', 'cleanup 2', 'cleanup 1']);
  const dropped = machine.calls.filter((c) => c.what === 'dropLayers').map((c) => c.detail);
  assert.deepEqual(dropped, [['L002', 'work-L002']], "the failed attempt's layer is dropped");
  const mounts = machine.calls.filter((c) => c.what === 'mountRoot').map((c) => (c.detail as { upper: string } | undefined)?.upper);
  assert.deepEqual(mounts, ['L001', 'L002', 'L001', 'L002-2'], 'back to the root before action 2, then a new layer');
});

test('skip after a failure taints the build and goes on', async (t) => {
  const { machine, log, step, run, bus } = await setup(t);
  machine.script = (req) => ({ status: req.argv[0] === 'false' ? 1 : 0 });
  const steps = [step(1, ['false']), step(2, ['true'])];
  const controller = new Controller(steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, where: '' })), { breakpoints: [], stepFirst: false }, bus);
  controller.subscribe((s) => {
    if (s.pause) queueMicrotask(() => controller.send({ type: 'skip' }));
  });
  const outcome = await run(steps, controller);
  assert.equal(outcome.status, 'success');
  assert.equal(outcome.tainted, true);
  assert.deepEqual(outcome.skipped, [1]);
  assert.ok(log.includes('run 2'));
});

test('abort at a pause stops before the action and still cleans up', async (t) => {
  const { log, step, run, bus, events } = await setup(t);
  const steps = [step(1, ['true']), step(2, ['true'])];
  const controller = new Controller(steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, where: '' })), { breakpoints: [{ type: 'index', index: 2 }], stepFirst: false }, bus);
  controller.subscribe((s) => {
    if (s.pause) queueMicrotask(() => controller.send({ type: 'abort' }));
  });
  const outcome = await run(steps, controller);
  assert.equal(outcome.status, 'aborted');
  assert.ok(!log.includes('run 2'));
  assert.ok(log.includes('cleanup 1') && log.includes('postclean 2'));
  assert.ok(events.some((e) => e.type === 'paused' && e.index === 2 && e.reason === 'breakpoint'));
  assert.ok(events.some((e) => e.type === 'resumed' && e.index === 2 && e.command === 'abort'));
});

test('abort while a command runs interrupts it', async (t) => {
  const { machine, step, run, bus } = await setup(t);
  const steps = [step(1, ['sleep'])];
  const controller = new Controller(steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, where: '' })), { breakpoints: [], stepFirst: false }, bus);
  let sawSignal: AbortSignal | undefined;
  machine.exec = async (req) => {
    sawSignal = req.signal;
    controller.send({ type: 'abort' });
    return { exitStatus: req.signal?.aborted ? null : 0, signal: req.signal?.aborted ? 'SIGTERM' : null, durationMs: 1, outputTail: [] };
  };
  const outcome = await run(steps, controller);
  assert.equal(sawSignal?.aborted, true);
  assert.equal(outcome.status, 'failed');
});

test('rewind undoes later actions: their cleanups run and their layers go', async (t) => {
  const { machine, log, step, run, bus } = await setup(t);
  const steps = [step(1, ['true']), step(2, ['true']), step(3, ['true'])];
  const controller = new Controller(steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, where: '' })), { breakpoints: [{ type: 'index', index: 3 }], stepFirst: false }, bus);
  let rewound = false;
  controller.subscribe((s) => {
    if (s.pause?.index !== 3) return;
    const command = rewound ? ({ type: 'continue' } as const) : ({ type: 'rewind', index: 2 } as const);
    rewound = true;
    queueMicrotask(() => controller.send(command));
  });
  const outcome = await run(steps, controller);
  assert.equal(outcome.status, 'success');
  assert.deepEqual(log.filter((l) => /^(run|cleanup)/.test(l)), ['run 1', 'run 2', 'cleanup 2', 'run 2', 'run 3', 'cleanup 3', 'cleanup 2', 'cleanup 1']);
  assert.deepEqual(machine.calls.filter((c) => c.what === 'dropLayers').map((c) => c.detail), [['L002', 'work-L002']]);
});

test('layers from the cache are stacked without mounting: the root is mounted when an action runs', async (t) => {
  const first = await setup(t);
  const cacheDir = join(first.dir, 'cache');
  const cache = new LayerCache(cacheDir, new DirLayerStore(join(cacheDir, 'store')), async () => []);
  const cached = (s: RunnableStep): RunnableStep => ({ ...s, cacheEffect: async () => ({ replay: [] }), stages: { run: s.stages.run! } });
  const reuse = () => new Reuse(cache, 'amd64', {}, first.dir, [], () => false);
  assert.equal((await first.run([cached(first.step(1, ['true'])), cached(first.step(2, ['true']))], runStraight, reuse())).status, 'success');

  const second = await setup(t);
  const outcome = await second.run([cached(second.step(1, ['true'])), cached(second.step(2, ['true'])), second.step(3, ['true'])], runStraight, reuse());
  assert.equal(outcome.status, 'success');
  assert.deepEqual(second.log, ['pre 3', 'run 3', 'cleanup 3', 'post 3', 'postclean 3'], 'actions 1 and 2 came from the cache');
  const mounts = second.machine.calls.filter((c) => c.what === 'mountRoot').map((c) => c.detail as { upper: string; lowers: string[] });
  assert.equal(mounts.length, 1, 'one mount, for the action that ran');
  assert.equal(mounts[0]!.upper, 'L003');
  assert.equal(mounts[0]!.lowers.length, 3);
  assert.ok(mounts[0]!.lowers.slice(0, 2).every((l) => l.startsWith(join(cacheDir, 'store'))), 'the cached layers are stacked from the store');
});

test('retrying or skipping an action that came after an image-partition remakes the image from there first', async (t) => {
  for (const answer of ['retry', 'skip'] as const) {
    const { machine, log, step, run, bus, events } = await setup(t);
    let failures = 0;
    machine.script = (req) => ({ status: req.argv[0] === 'false' && failures++ === 0 ? 1 : 0 });
    const steps = [step(1, ['true']), { ...step(2, ['true']), makesImage: true }, step(3, ['true']), step(4, ['false']), step(5, ['true'])];
    const infos = steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, where: '' }));
    // A breakpoint on 3: the replay does not stop there.
    const controller = new Controller(infos, { breakpoints: [{ type: 'index', index: 3 }], stepFirst: false }, bus);
    controller.subscribe((s) => {
      if (s.pause?.reason === 'failure') queueMicrotask(() => controller.send({ type: answer }));
      else if (s.pause) queueMicrotask(() => controller.send({ type: 'continue' }));
    });
    const outcome = await run(steps, controller);
    assert.equal(outcome.status, 'success', answer);
    const runs = log.filter((l) => /^(run|cleanup) /.test(l));
    const again = answer === 'retry' ? ['run 2', 'run 3', 'run 4', 'run 5'] : ['run 2', 'run 3', 'run 5'];
    assert.deepEqual(runs.slice(0, 7), ['run 1', 'run 2', 'run 3', 'run 4', 'cleanup 4', 'cleanup 3', 'cleanup 2'], `${answer}: undone down to the image-partition`);
    assert.deepEqual(runs.slice(7).filter((l) => l.startsWith('run')), again, answer);
    assert.ok(events.some((e) => e.type === 'info' && /remaking it from action 2 \(image-partition\) to action 4/.test(e.message)));
    assert.equal(events.filter((e) => e.type === 'paused' && e.index === 3).length, 1, 'paused at the breakpoint once, not in the replay');
  }
});
