import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { DebugApp } from '../../../src/tui/components/DebugApp.js';
import { harness, until } from './harness.js';

const ARROW_DOWN = '\u001B[B';
const ARROW_UP = '\u001B[A';

async function app(t: Parameters<typeof harness>[0], o: Parameters<typeof harness>[1]) {
  const h = await harness(t, o);
  const ui = render(<DebugApp store={h.store} onIntent={(i) => h.dbg.dispatch(i)} />);
  t.after(async () => ui.unmount());
  // A 100x40 terminal: the testing library's stdout has columns but no rows.
  Object.defineProperty(ui.stdout, 'rows', { value: 40 });
  ui.stdout.emit('resize');
  const frame = () => ui.lastFrame() ?? '';
  const shows = (what: RegExp | string, label = String(what)) => until(() => (typeof what === 'string' ? frame().includes(what) : what.test(frame())), `the screen to show ${label}:\n${frame()}`);
  const press = async (keys: string) => {
    ui.stdin.write(keys);
    await new Promise((r) => setTimeout(r, 5));
  };
  return { h, ui, frame, shows, press };
}

/** The row of action `n` in the list. */
const row = (frame: string, n: number) => frame.split('\n').find((l) => new RegExp(`^.?\\s*${n} \\S run `).test(l)) ?? '';

test('the list shows each action with its state, breakpoint mark and time', async (t) => {
  const { h, frame, shows, press } = await app(t, { commands: ['echo one', 'false two', 'echo three'], breakpoints: [{ type: 'index', index: 2 }] });
  const outcome = h.run();
  await shows('Paused before action 2 (breakpoint)');
  assert.match(row(frame(), 1), /1 ✓ run +Step 1 +\d+\.\ds/);
  assert.match(row(frame(), 2), /^●2 ‖ run +Step 2/);
  assert.match(row(frame(), 3), /3 · run +Step 3/);
  await press('c');
  await shows('Action 2 failed. r retry');
  assert.match(row(frame(), 2), /2 ✗ run +Step 2/);
  await press('k');
  const done = await outcome;
  h.bus.emit({ type: 'build-end', status: done.status, tainted: done.tainted, skipped: done.skipped, durationMs: 1 });
  await shows('Build finished', 'the end');
  assert.match(row(frame(), 2), /2 ↷ run +Step 2/);
  assert.match(row(frame(), 3), /3 ✓ run +Step 3/);
  assert.match(frame(), /TAINTED/);
});

test('the header names recipe, architecture, backend and why, and the user', async (t) => {
  const { h, shows } = await app(t, { commands: ['echo one'], step: true });
  const outcome = h.run();
  h.bus.emit({ type: 'build-start', recipe: 'my.yaml', architecture: 'arm64', backend: 'host', backendReason: 'asked for the host backend', workspace: '/ws', steps: h.controller.state.steps });
  await shows(/debstep debug · my\.yaml · arm64 · host backend · user tester · \d\d:\d\d/, 'the header');
  await shows('why host: asked for the host backend · workspace /ws');
  h.controller.send({ type: 'continue' });
  await outcome;
});

test('the details pane shows the YAML, the command line, environment, place and exit status', async (t) => {
  const { h, shows, frame } = await app(t, { commands: ['echo one', 'false --now'] });
  const outcome = h.run();
  await shows('Action 2 failed');
  await shows(/Action 2: run at .*r\.yaml:6:5/, 'the action title');
  assert.match(frame(), /- action: run/);
  assert.match(frame(), /command: false --now/);
  assert.match(frame(), /Last command \(run\), on the build host:/);
  assert.match(frame(), /\$ sh -c 'false --now'/);
  assert.match(frame(), /env: http_proxy=http:\/\/proxy:3128/);
  assert.match(frame(), /exit status 1 after/);
  h.controller.send({ type: 'skip' });
  await outcome;
});

test('the log follows the selected action; v shows command lines; arrows select', async (t) => {
  const { h, shows, frame, press } = await app(t, { commands: ['echo one', 'echo two'], step: true });
  const outcome = h.run();
  await shows('Paused before action 1');
  await press('n');
  await shows('Paused before action 2');
  await shows('log of action 2');
  await press(ARROW_UP);
  await shows('log of action 1');
  assert.match(frame(), /ran echo one/);
  assert.doesNotMatch(frame(), /run \| \$ sh -c/);
  await press('v');
  await shows("run | $ sh -c 'echo one'", 'the command line');
  await shows('verbose on');
  await press(ARROW_DOWN);
  await shows('Action 2: run at');
  await press('c');
  await outcome;
});

test('b marks and unmarks the selected action; q asks before quitting', async (t) => {
  const { h, shows, frame, press } = await app(t, { commands: ['echo one', 'echo two'], step: true });
  const outcome = h.run();
  await shows('Paused before action 1');
  await press(ARROW_DOWN);
  await press('b');
  await until(() => row(frame(), 2).startsWith('●'), 'the breakpoint mark');
  await press('b');
  await until(() => !row(frame(), 2).startsWith('●'), 'the mark to go');
  await press('q');
  await shows('Quit: keep the workspace (for debstep shell) or discard it?');
  await shows('k keep the workspace  d discard it  Esc cancel', 'the answers');
  await press('n');
  assert.equal(h.controller.state.pause?.index, 1, 'n does not step while the question is open');
  await press('k');
  await shows('Quitting');
  assert.equal((await outcome).status, 'aborted');
  assert.equal(h.dbg.keep, true);
});

test('keys that do nothing now are explained', async (t) => {
  const { h, shows, press } = await app(t, { commands: ['false one'] });
  const outcome = h.run();
  await shows('Action 1 failed');
  await press('n');
  await shows('action 1 failed: retry, skip or quit');
  await press('r');
  await shows('Action 1 failed', 'the failure again');
  assert.equal(h.commandsRun().length, 2, 'r ran it again');
  h.controller.send({ type: 'abort' });
  await outcome;
});
