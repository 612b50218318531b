import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialState } from '../../../../src/engine/controller/reducer.js';
import { type BuildEvent, type EventInput, type StepInfo } from '../../../../src/core/events.js';
import { DebuggerStore } from '../../../../src/tui/state/debugger-store.js';

const steps: StepInfo[] = [1, 2, 3].map((index) => ({ index, kind: 'run', description: `S${index}`, where: 'r.yaml:1:1' }));
const ev = (e: EventInput): BuildEvent => ({ ...e, ts: 0 }) as BuildEvent;

function store(throttleMs: number) {
  const s = new DebuggerStore({ steps, sources: new Map(), control: initialState(steps, [], false), user: 'u', verbose: false, throttleMs });
  let notified = 0;
  s.subscribe(() => notified++);
  return { s, count: () => notified };
}

test('build events redraw at most once per throttle period; keys redraw at once', async () => {
  const { s, count } = store(30);
  for (let i = 0; i < 1000; i++) s.write(ev({ type: 'output', index: 1, label: 'x', stream: 'stdout', text: `l${i}` }));
  assert.equal(count(), 0, 'no redraw per line');
  assert.equal(s.log.count(1, false), 1000, 'but every line is stored');
  s.updateUi({ type: 'toggle-verbose' });
  assert.equal(count(), 1, 'a key redraws at once, with the lines so far');
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(count(), 1, 'the pending redraw was folded into the key redraw');
  s.write(ev({ type: 'output', index: 1, label: 'x', stream: 'stdout', text: 'more' }));
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(count(), 2);
});

test('a snapshot stays the same object until something changes', () => {
  const { s } = store(30);
  const a = s.snapshot();
  assert.equal(s.snapshot(), a);
  s.updateUi({ type: 'toggle-details' });
  assert.notEqual(s.snapshot(), a);
  assert.equal(s.snapshot().ui.details, false);
});

test('a pause selects the paused action at once, even after the user moved away', () => {
  const { s, count } = store(1000);
  s.updateUi({ type: 'move', delta: 2, count: 3 });
  s.write(ev({ type: 'action-start', index: 1, kind: 'run', description: 'S1', attempt: 1 }));
  assert.equal(s.snapshot().ui.cursor, 3, 'a start does not take the selection the user chose');
  const before = count();
  s.write(ev({ type: 'paused', index: 2, reason: 'breakpoint' }));
  assert.equal(count(), before + 1, 'a pause redraws without waiting');
  assert.equal(s.snapshot().ui.cursor, 2);
});

test('a controller notice becomes the message', () => {
  const { s } = store(30);
  s.setControl({ ...initialState(steps, [], false), notice: 'step needs a paused build' });
  assert.deepEqual(s.snapshot().ui.message, { text: 'step needs a paused build', tone: 'error' });
});

test('closing shows what is pending', async () => {
  const { s, count } = store(10_000);
  s.write(ev({ type: 'output', index: 1, label: 'x', stream: 'stdout', text: 'last words' }));
  await s.close();
  assert.equal(count(), 1);
});
