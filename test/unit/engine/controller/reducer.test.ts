import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBreakpoint, matches } from '../../../../src/engine/controller/breakpoints.js';
import { type ControllerState, initialState, reduce, type Command } from '../../../../src/engine/controller/reducer.js';

const steps = [
  { index: 1, kind: 'debootstrap', description: 'Bootstrap Debian', where: 'r.yaml:3:5' },
  { index: 2, kind: 'apt', description: 'Install packages', where: 'r.yaml:8:5' },
  { index: 3, kind: 'run', description: 'Install the user', where: 'r.yaml:12:5' },
  { index: 4, kind: 'pack', description: 'Pack it', where: 'r.yaml:16:5' },
];
const kinds = ['debootstrap', 'apt', 'run', 'pack', 'overlay'];

const before = (s: ControllerState, index: number) => reduce(s, { type: 'question', question: { type: 'before', index } });
const failed = (s: ControllerState, index: number) => reduce(s, { type: 'question', question: { type: 'failed', index, error: 'boom' } });
const send = (s: ControllerState, command: Command) => reduce(s, { type: 'command', command });

test('breakpoint specs: index, kind, description glob', () => {
  assert.deepEqual(parseBreakpoint('3', kinds), { type: 'index', index: 3 });
  assert.deepEqual(parseBreakpoint('apt', kinds), { type: 'kind', kind: 'apt' });
  assert.deepEqual(parseBreakpoint('Install*', kinds), { type: 'glob', pattern: 'Install*' });
  assert.equal(matches({ type: 'glob', pattern: 'Install*' }, steps[1]!), true);
  assert.equal(matches({ type: 'glob', pattern: 'Install*' }, steps[0]!), false);
  assert.equal(matches({ type: 'glob', pattern: 'Install th? user' }, steps[2]!), true);
  assert.equal(matches({ type: 'glob', pattern: 'Install.' }, steps[1]!), false, 'regex characters are literal');
  assert.equal(matches({ type: 'kind', kind: 'apt' }, steps[1]!), true);
  assert.equal(matches({ type: 'index', index: 4 }, steps[3]!), true);
});

test('without breakpoints the build runs straight through', () => {
  let s = initialState(steps, [], false);
  for (const step of steps) {
    const r = before(s, step.index);
    assert.deepEqual(r.decision, { do: 'run' });
    assert.equal(r.state.pause, undefined);
    s = r.state;
  }
});

test('--step pauses before the first action, and step pauses before each next one', () => {
  let r = before(initialState(steps, [], true), 1);
  assert.deepEqual(r.state.pause, { index: 1, reason: 'step' });
  assert.equal(r.decision, undefined);
  r = send(r.state, { type: 'step' });
  assert.deepEqual(r.decision, { do: 'run' });
  r = before(r.state, 2);
  assert.deepEqual(r.state.pause, { index: 2, reason: 'step' });
});

test('continue runs to the next breakpoint of any form', () => {
  for (const bp of [parseBreakpoint('3', kinds), parseBreakpoint('run', kinds), parseBreakpoint('Install the*', kinds)]) {
    let s = initialState(steps, [bp], false);
    s = before(s, 1).state;
    s = before(s, 2).state;
    const r = before(s, 3);
    assert.deepEqual(r.state.pause, { index: 3, reason: 'breakpoint' }, `breakpoint ${JSON.stringify(bp)}`);
    const c = send(r.state, { type: 'continue' });
    assert.deepEqual(c.decision, { do: 'run' });
    assert.deepEqual(before(c.state, 4).decision, { do: 'run' });
  }
});

test('breakpoints are set and cleared at run time', () => {
  let s = initialState(steps, [], false);
  s = send(s, { type: 'toggle-breakpoint', index: 2 }).state;
  assert.deepEqual(s.breakpoints, [{ type: 'index', index: 2 }]);
  assert.equal(before(s, 2).state.pause?.reason, 'breakpoint');
  s = send(s, { type: 'toggle-breakpoint', index: 2 }).state;
  assert.deepEqual(s.breakpoints, []);
  s = send(s, { type: 'add-breakpoint', breakpoint: { type: 'kind', kind: 'pack' } }).state;
  s = send(s, { type: 'add-breakpoint', breakpoint: { type: 'kind', kind: 'pack' } }).state;
  assert.equal(s.breakpoints.length, 1, 'adding twice keeps one');
  assert.equal(before(s, 4).state.pause?.reason, 'breakpoint');
  s = send(s, { type: 'remove-breakpoint', breakpoint: { type: 'kind', kind: 'pack' } }).state;
  assert.deepEqual(before(s, 4).decision, { do: 'run' });
});

test('run to action N pauses just before N', () => {
  let r = before(initialState(steps, [], true), 1);
  r = send(r.state, { type: 'run-to', index: 4 });
  assert.deepEqual(r.decision, { do: 'run' });
  r = before(r.state, 2);
  assert.deepEqual(r.decision, { do: 'run' });
  r = before(r.state, 3);
  assert.deepEqual(r.decision, { do: 'run' });
  r = before(r.state, 4);
  assert.deepEqual(r.state.pause, { index: 4, reason: 'step' });
  const back = send(r.state, { type: 'run-to', index: 2 });
  assert.equal(back.decision, undefined);
  assert.match(back.state.notice ?? '', /not ahead/);
});

test('a failure pauses; retry re-runs the action without pausing before it again', () => {
  let r = failed(initialState(steps, [], false), 2);
  assert.deepEqual(r.state.pause, { index: 2, reason: 'failure', error: 'boom' });
  r = send(r.state, { type: 'continue' });
  assert.equal(r.decision, undefined, 'continue cannot pass a failure');
  assert.match(r.state.notice ?? '', /retry, skip or quit/);
  r = send(r.state, { type: 'retry' });
  assert.deepEqual(r.decision, { do: 'run' });
  r = before(r.state, 2);
  assert.deepEqual(r.decision, { do: 'run' });
  assert.equal(r.state.runAgain, undefined);
});

test('a retried action runs at once even in step mode', () => {
  let r = send(before(initialState(steps, [], true), 1).state, { type: 'step' });
  r = failed(r.state, 1);
  r = send(r.state, { type: 'retry' });
  assert.deepEqual(before(r.state, 1).decision, { do: 'run' });
});

test('skip taints the build, before an action and after a failure', () => {
  let r = before(initialState(steps, [], true), 1);
  r = send(r.state, { type: 'skip' });
  assert.deepEqual(r.decision, { do: 'skip' });
  assert.equal(r.state.tainted, true);
  const f = send(failed(initialState(steps, [], false), 3).state, { type: 'skip' });
  assert.deepEqual(f.decision, { do: 'skip' });
  assert.equal(f.state.tainted, true);
});

test('abort and detach stop the build; detach keeps the workspace', () => {
  const paused = before(initialState(steps, [], true), 1).state;
  assert.deepEqual(send(paused, { type: 'abort' }).decision, { do: 'abort' });
  const d = send(paused, { type: 'detach' });
  assert.deepEqual(d.decision, { do: 'abort' });
  assert.equal(d.state.detached, true);
  assert.deepEqual(send(failed(initialState(steps, [], false), 2).state, { type: 'abort' }).decision, { do: 'abort' });
});

test('abort while an action runs stops at the next question', () => {
  let s = before(initialState(steps, [], false), 1).state;
  s = send(s, { type: 'abort' }).state;
  assert.equal(s.stopping, 'abort');
  assert.deepEqual(failed(s, 1).decision, { do: 'abort' });
  assert.deepEqual(before(s, 2).decision, { do: 'abort' });
});

test('pause while running stops before the next action', () => {
  let s = before(initialState(steps, [], false), 1).state;
  s = send(s, { type: 'pause' }).state;
  assert.deepEqual(before(s, 2).state.pause, { index: 2, reason: 'step' });
});

test('with break-on-failure off a failure ends the build', () => {
  const s = send(initialState(steps, [], false), { type: 'break-on-failure', on: false }).state;
  assert.deepEqual(failed(s, 2).decision, { do: 'abort' });
});

test('commands that need a pause say so instead of acting', () => {
  const s = before(initialState(steps, [], false), 1).state;
  const r = send(s, { type: 'retry' });
  assert.equal(r.decision, undefined);
  assert.match(r.state.notice ?? '', /needs a paused build/);
});

test('rewind goes back to an action that already ran and runs it at once', () => {
  let r = failed(initialState(steps, [], false), 3);
  const ahead = send(r.state, { type: 'rewind', index: 4 });
  assert.equal(ahead.decision, undefined);
  assert.match(ahead.state.notice ?? '', /has not run yet/);
  r = send(r.state, { type: 'rewind', index: 2 });
  assert.deepEqual(r.decision, { do: 'rewind', to: 2 });
  assert.deepEqual(before(r.state, 2).decision, { do: 'run' });
  assert.deepEqual(before(before(r.state, 2).state, 3).state.pause, { index: 3, reason: 'step' }, 'then it steps');
});
