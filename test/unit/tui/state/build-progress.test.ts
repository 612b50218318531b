import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BuildEvent, type EventInput, type StepInfo } from '../../../../src/core/events.js';
import { type BuildProgress, initialProgress, reduceProgress, replaceSteps } from '../../../../src/tui/state/build-progress.js';

const steps: StepInfo[] = [1, 2, 3].map((index) => ({ index, kind: 'run', description: `Step ${index}`, where: `r.yaml:${index * 3}:5` }));
const fold = (events: EventInput[], start: BuildProgress = initialProgress(steps)) =>
  events.reduce((v, e, i) => reduceProgress(v, { ...e, ts: 1000 * (i + 1) } as BuildEvent), start);
const status = (v: BuildProgress) => v.steps.map((s) => s.status);

test('build-start fills the header facts', () => {
  const v = fold([{ type: 'build-start', recipe: 'r.yaml', architecture: 'arm64', backend: 'host', backendReason: 'asked', workspace: '/w', steps }]);
  assert.equal(v.recipe, 'r.yaml');
  assert.equal(v.architecture, 'arm64');
  assert.equal(v.backendReason, 'asked');
  assert.equal(v.startedAt, 1000);
  assert.deepEqual(status(v), ['todo', 'todo', 'todo']);
});

test('actions go from to do to running to done, failed or skipped', () => {
  const v = fold([
    { type: 'action-start', index: 1, kind: 'run', description: 'Step 1', attempt: 1 },
    { type: 'action-end', index: 1, status: 'done', durationMs: 1500 },
    { type: 'action-start', index: 2, kind: 'run', description: 'Step 2', attempt: 1 },
  ]);
  assert.deepEqual(status(v), ['done', 'running', 'todo']);
  assert.equal(v.steps[0]?.durationMs, 1500);
  assert.equal(v.steps[1]?.startedAt, 3000);
  const w = fold([{ type: 'action-end', index: 2, status: 'failed', durationMs: 10, error: 'boom' }, { type: 'action-end', index: 3, status: 'skipped', durationMs: 0 }], v);
  assert.deepEqual(status(w), ['done', 'failed', 'skipped']);
  assert.equal(w.steps[1]?.error, 'boom');
});

test('the last command and its exit status belong to the action', () => {
  const v = fold([
    { type: 'action-start', index: 2, kind: 'run', description: 'Step 2', attempt: 1 },
    { type: 'command', id: 7, index: 2, label: 'run', argv: ['false'], env: { X: '1' }, chroot: true, cwd: '/tmp' },
    { type: 'command-end', id: 7, index: 2, exitStatus: 1, signal: null, durationMs: 20 },
  ]);
  const c = v.steps[1]?.command;
  assert.deepEqual(c?.argv, ['false']);
  assert.equal(c?.chroot, true);
  assert.equal(c?.cwd, '/tmp');
  assert.deepEqual(c?.end, { exitStatus: 1, signal: null, durationMs: 20 });
  const other = fold([{ type: 'command-end', id: 8, index: 2, exitStatus: 0, signal: null, durationMs: 1 }], v);
  assert.equal(other.steps[1]?.command?.end?.exitStatus, 1, 'the end of another command does not change it');
});

test('a retry starts the action afresh with its attempt number', () => {
  const v = fold([
    { type: 'action-start', index: 1, kind: 'run', description: 'Step 1', attempt: 1 },
    { type: 'command', id: 1, index: 1, label: 'run', argv: ['false'], env: {}, chroot: false },
    { type: 'action-end', index: 1, status: 'failed', durationMs: 1, error: 'boom' },
    { type: 'rewind', index: 1 },
    { type: 'action-start', index: 1, kind: 'run', description: 'Step 1', attempt: 2 },
  ]);
  const s = v.steps[0];
  assert.equal(s?.status, 'running');
  assert.equal(s?.attempt, 2);
  assert.equal(s?.error, undefined);
  assert.equal(s?.command, undefined);
});

test('a rewind makes the undone actions to do again', () => {
  const v = fold([
    { type: 'action-end', index: 1, status: 'done', durationMs: 1 },
    { type: 'action-end', index: 2, status: 'done', durationMs: 1 },
    { type: 'rewind', index: 2 },
  ]);
  assert.deepEqual(status(v), ['done', 'todo', 'todo']);
});

test('stages, shells and the end are tracked', () => {
  let v = fold([{ type: 'stage-start', stage: 'cleanup', index: 2 }]);
  assert.deepEqual(v.stage, { stage: 'cleanup', index: 2 });
  v = fold([{ type: 'stage-end', stage: 'cleanup', index: 2 }, { type: 'shell-open', chroot: true, index: 2 }], v);
  assert.equal(v.stage, undefined);
  assert.deepEqual(v.shell, { chroot: true });
  v = fold([{ type: 'shell-close', chroot: true, exitStatus: 0 }, { type: 'build-end', status: 'success', tainted: true, skipped: [3], durationMs: 9 }], v);
  assert.equal(v.shell, undefined);
  assert.deepEqual(v.end, { status: 'success', durationMs: 9, tainted: true });
});

test('replaceSteps keeps earlier actions and takes the new ones from `from`', () => {
  const v = fold([{ type: 'action-end', index: 1, status: 'done', durationMs: 1 }, { type: 'action-end', index: 2, status: 'failed', durationMs: 1, error: 'x' }]);
  const next = [...steps.slice(0, 1), { index: 2, kind: 'run', description: 'Edited 2', where: 'r.yaml:6:5' }, { index: 3, kind: 'pack', description: 'New 3', where: 'r.yaml:9:5' }];
  const w = replaceSteps(v, next, 2);
  assert.deepEqual(w.steps.map((s) => [s.description, s.status]), [['Step 1', 'done'], ['Edited 2', 'todo'], ['New 3', 'todo']]);
});

test('cache events stay with their action until it is undone', () => {
  const v = fold([
    { type: 'cache', index: 1, hit: true, reason: 'its layer is in the cache' },
    { type: 'action-start', index: 1, kind: 'run', description: 'Step 1', attempt: 1, cached: true },
    { type: 'action-end', index: 1, status: 'done', durationMs: 0 },
    { type: 'cache', index: 2, hit: false, reason: 'the root before it changed: action 1 ran' },
  ]);
  assert.deepEqual(v.steps[0]?.cache, { hit: true, reason: 'its layer is in the cache' });
  assert.equal(v.steps[1]?.cache?.hit, false);
  assert.equal(fold([{ type: 'rewind', index: 1 }], v).steps[0]?.cache, undefined);
});
