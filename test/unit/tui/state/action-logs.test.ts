import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BuildEvent, type EventInput } from '../../../../src/core/events.js';
import { displayText, ActionLogs, logLines, MAX_LINE_LENGTH } from '../../../../src/tui/state/action-logs.js';

const ev = (e: EventInput): BuildEvent => ({ ...e, ts: 0 }) as BuildEvent;
const out = (index: number, text: string) => ev({ type: 'output', index, label: 'x', stream: 'stdout', text });
const texts = (lines: readonly { text: string }[]) => lines.map((l) => l.text);

test('output lines go to their action, without the label', () => {
  const log = new ActionLogs();
  log.add(out(1, 'one'));
  log.add(out(2, 'two'));
  log.add(out(1, 'three'));
  assert.deepEqual(texts(log.window(1, 10, 0, false).lines), ['one', 'three']);
  assert.deepEqual(texts(log.window(2, 10, 0, false).lines), ['two']);
  assert.equal(log.count(3, false), 0);
});

test('events without an index go to the running action, or the one paused before', () => {
  const log = new ActionLogs();
  log.add(ev({ type: 'action-start', index: 4, kind: 'run', description: 'Four', attempt: 1 }));
  log.add(ev({ type: 'diagnostic', source: 'binfmt', message: 'arm64 runs' }));
  assert.deepEqual(texts(log.window(4, 10, 0, true).lines), ['==== Four ====', '[binfmt] arm64 runs']);
  log.add(ev({ type: 'paused', index: 5, reason: 'step' }));
  log.add(ev({ type: 'shell-close', chroot: true, exitStatus: 0 }));
  assert.deepEqual(texts(log.window(5, 10, 0, false).lines), ['---- paused before action 5 (step) ----', '<<< Shell closed']);
});

test('command lines and environments show only with verbose', () => {
  const log = new ActionLogs();
  log.add(ev({ type: 'command', id: 1, index: 1, label: 'run', argv: ['sh', '-c', 'exit 3'], env: { A: 'b' }, chroot: true }));
  log.add(out(1, 'hello'));
  assert.deepEqual(texts(log.window(1, 10, 0, false).lines), ['hello']);
  assert.deepEqual(texts(log.window(1, 10, 0, true).lines), ["run | $ (in the root) sh -c 'exit 3'", 'run |   A=b', 'hello']);
  assert.equal(log.count(1, false), 1);
  assert.equal(log.count(1, true), 3);
});

test('a failed action and a failure pause are logged as such', () => {
  assert.deepEqual(
    logLines(ev({ type: 'action-end', index: 2, status: 'failed', durationMs: 5, error: 'boom' })).map((l) => [l.text, l.tone]),
    [['✗ boom', 'error']],
  );
  assert.equal(logLines(ev({ type: 'paused', index: 2, reason: 'failure', error: 'boom' }))[0]?.text, '---- paused: action 2 failed ----');
  assert.equal(logLines(ev({ type: 'paused', index: 3, reason: 'breakpoint' }))[0]?.text, '---- paused before action 3 (breakpoint) ----');
});

test('the window follows the end, or scrolls back and clamps', () => {
  const log = new ActionLogs();
  for (let i = 1; i <= 20; i++) log.add(out(1, `l${i}`));
  const end = log.window(1, 5, 0, false);
  assert.deepEqual(texts(end.lines), ['l16', 'l17', 'l18', 'l19', 'l20']);
  assert.equal(end.above, 15);
  const back = log.window(1, 5, 3, false);
  assert.deepEqual(texts(back.lines), ['l13', 'l14', 'l15', 'l16', 'l17']);
  assert.equal(back.offset, 3);
  const top = log.window(1, 5, 999, false);
  assert.deepEqual(texts(top.lines), ['l1', 'l2', 'l3', 'l4', 'l5']);
  assert.equal(top.offset, 15);
  assert.equal(top.above, 0);
});

test('memory is bounded: older lines are dropped and counted', () => {
  const log = new ActionLogs(100);
  log.add(ev({ type: 'command', id: 1, index: 1, label: 'run', argv: ['yes'], env: {}, chroot: false }));
  for (let i = 0; i < 100_000; i++) log.add(out(1, `line ${i}`));
  const w = log.window(1, 3, 0, true);
  assert.deepEqual(texts(w.lines), ['line 99997', 'line 99998', 'line 99999']);
  assert.equal(log.count(1, true), 100);
  assert.equal(log.count(1, false), 100, 'the verbose-only command line was dropped with the old lines');
  assert.equal(w.dropped, 99_901);
});

test('display text loses control sequences and long tails', () => {
  assert.equal(displayText('\x1b[31mred\x1b[0m\tand\x07 done'), 'red    and done');
  assert.equal(displayText('\x1b]0;title\x07text'), 'text');
  const long = displayText('x'.repeat(MAX_LINE_LENGTH * 2));
  assert.equal(long.length, MAX_LINE_LENGTH);
  assert.ok(long.endsWith('…'));
});

test("a recipe's warnings, emitted before the build starts, show in their step's log as warnings", () => {
  const log = new ActionLogs();
  log.add(ev({ type: 'warning', index: 3, message: 'r.yaml:9:5: unknown property "descripion" in run action (did you mean "description"?)' }));
  log.add(ev({ type: 'action-start', index: 1, kind: 'apt', description: 'One', attempt: 1 }));
  const shown = log.window(3, 10, 0, false).lines;
  assert.deepEqual(texts(shown), ['warning: r.yaml:9:5: unknown property "descripion" in run action (did you mean "description"?)']);
  assert.equal(shown[0]!.tone, 'warning');
  assert.equal(log.count(1, false), 1);
});
