import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialState } from '../../../../src/engine/controller/reducer.js';
import { type StepInfo } from '../../../../src/core/events.js';
import { type BuildProgress, initialProgress } from '../../../../src/tui/state/build-progress.js';
import {
  breakpointCommands, detailLines, enabledKeys, fitDetails, formatClock, formatDuration, statusLine, stepRows,
} from '../../../../src/tui/view/presentation.js';

const infos: StepInfo[] = [
  { index: 1, kind: 'unpack', description: 'Unpack the base', where: 'r.yaml:3:5' },
  { index: 2, kind: 'apt', description: 'Install packages', where: 'r.yaml:6:5' },
  { index: 3, kind: 'run', description: 'Install the rest', where: 'r.yaml:9:5' },
];
const build = (patch: (v: BuildProgress) => BuildProgress = (v) => v) => patch(initialProgress(infos));
const withStatus = (statuses: BuildProgress['steps'][number]['status'][]) => (v: BuildProgress): BuildProgress => ({
  ...v,
  steps: v.steps.map((s, i) => ({ ...s, status: statuses[i]!, ...(statuses[i] === 'done' ? { durationMs: 1500 } : {}) })),
});

test('durations and clocks', () => {
  assert.equal(formatDuration(870), '0.9s');
  assert.equal(formatDuration(75_000), '1m15s');
  assert.equal(formatDuration(3_725_000), '1h02m');
  assert.equal(formatClock(7_000), '00:07');
  assert.equal(formatClock(3_723_000), '1:02:03');
});

test('rows show state, breakpoint marks, the pause and the selection', () => {
  const control = { ...initialState(infos, [{ type: 'kind', kind: 'apt' }], false), pause: { index: 2, reason: 'breakpoint' as const } };
  const sources = new Map([[3, { yaml: '', where: 'sub.yaml:2:3', file: 'sub.yaml', depth: 1 }]]);
  const rows = stepRows(build(withStatus(['done', 'todo', 'todo'])), control, sources, 3, 0);
  assert.deepEqual(rows.map((r) => [r.glyph, r.status, r.breakpoint, r.selected, r.time]), [
    ['✓', 'done', false, false, '1.5s'],
    ['‖', 'paused', true, false, ''],
    ['·', 'todo', false, true, ''],
  ]);
  assert.deepEqual(rows.map((r) => r.description), ['Unpack the base', 'Install packages', '↳ Install the rest'], 'sub-recipe actions are marked');
});

test('a running action shows how long it has run; a failed one stays failed when paused on', () => {
  const v = build((b) => ({ ...b, steps: b.steps.map((s) => (s.index === 1 ? { ...s, status: 'running', startedAt: 1000 } : s.index === 2 ? { ...s, status: 'failed', durationMs: 200 } : s)) }));
  const control = { ...initialState(infos, [], false), pause: { index: 2, reason: 'failure' as const, error: 'boom' } };
  const rows = stepRows(v, control, new Map(), 1, 4000);
  assert.equal(rows[0]?.time, '3.0s');
  assert.equal(rows[1]?.glyph, '✗');
});

test('b toggles an index breakpoint, or removes the kind or glob ones that stop there', () => {
  const step = build().steps[1]!;
  assert.deepEqual(breakpointCommands([], step), [{ type: 'toggle-breakpoint', index: 2 }]);
  assert.deepEqual(breakpointCommands([{ type: 'index', index: 2 }], step), [{ type: 'toggle-breakpoint', index: 2 }]);
  assert.deepEqual(breakpointCommands([{ type: 'kind', kind: 'apt' }, { type: 'glob', pattern: 'Install*' }, { type: 'kind', kind: 'run' }], step), [
    { type: 'remove-breakpoint', breakpoint: { type: 'kind', kind: 'apt' } },
    { type: 'remove-breakpoint', breakpoint: { type: 'glob', pattern: 'Install*' } },
  ]);
});

test('the status line says what happens and what to press', () => {
  const idle = initialState(infos, [], false);
  assert.match(statusLine(build(), idle, false).text, /Starting/);
  assert.match(statusLine(build(), { ...idle, pause: { index: 2, reason: 'failure', error: 'x' } }, false).text, /^Action 2 failed\. r retry/);
  assert.match(statusLine(build(), { ...idle, pause: { index: 1, reason: 'step' } }, false).text, /^Paused before action 1 \(step\)/);
  const running = build((b) => ({ ...withStatus(['running', 'todo', 'todo'])(b), stage: { stage: 'run', index: 1 } }));
  assert.equal(statusLine(running, idle, false).text, 'Running action 1: Unpack the base. p pauses before the next action.');
  assert.match(statusLine(running, { ...idle, mode: { type: 'step' } }, false).text, /It pauses before the next action/);
  assert.match(statusLine(build(), idle, true).text, /^Quitting/);
  const done = build((b) => ({ ...b, end: { status: 'success', durationMs: 1, tainted: true } }));
  assert.deepEqual(statusLine(done, idle, false), { text: 'Build finished (tainted: an action was skipped). q quits.', tone: 'done' });
  const failed = build((b) => ({ ...b, end: { status: 'failed', durationMs: 1, tainted: false, error: 'no root' } }));
  assert.equal(statusLine(failed, idle, false).text, 'Build failed: no root. q quits.');
});

test('keys are enabled by state', () => {
  const idle = initialState(infos, [], false);
  const failure = enabledKeys(build(), { ...idle, pause: { index: 1, reason: 'failure' } }, false);
  assert.ok(['r', 'k', 's', 'h', 'e', 'q'].every((k) => failure.has(k)));
  assert.ok(!failure.has('n') && !failure.has('c'));
  const before = enabledKeys(build(), { ...idle, pause: { index: 1, reason: 'step' } }, false);
  assert.ok(['n', 'c', 'g', 'k', 's'].every((k) => before.has(k)));
  assert.ok(!before.has('r'));
  const running = enabledKeys(build(), idle, false);
  assert.ok(running.has('p') && !running.has('s') && !running.has('n'));
  assert.deepEqual([...enabledKeys(build(), idle, true)].sort(), ['d', 'q', 'v']);
});

test('details: place, YAML, last command with environment and exit status, error', () => {
  const step = {
    ...build().steps[2]!,
    status: 'failed' as const,
    attempt: 2,
    error: "Action 'Install the rest' failed",
    command: { id: 3, label: 'run', argv: ['sh', '-c', 'exit 3'], env: { http_proxy: 'http://p:3128' }, chroot: true, end: { exitStatus: 3, signal: null, durationMs: 100 } },
  };
  const lines = detailLines(step, { yaml: '  - action: run\n    command: exit 3\n', where: 'r.yaml:9:5', file: 'r.yaml', depth: 0 });
  assert.deepEqual(lines.map((l) => l.text), [
    'Action 3: run at r.yaml:9:5 (attempt 2)',
    '    - action: run',
    '      command: exit 3',
    'Last command (run), in the root:',
    "  $ sh -c 'exit 3'",
    '  env: http_proxy=http://p:3128',
    '  exit status 3 after 0.1s',
    "Action 'Install the rest' failed",
  ]);
  assert.equal(lines.at(-1)?.tone, 'error');
  const host = detailLines({ ...step, command: { ...step.command, chroot: false, cwd: '/w', end: undefined } }, undefined);
  assert.ok(host.some((l) => l.text === 'Last command (run), on the build host in /w:'));
  assert.ok(host.some((l) => l.text === '  running…'));
  assert.equal(detailLines(build().steps[0]!, undefined).at(-1)?.text, 'Not run yet.');
});

test('short of room, the details lose YAML lines first, then their end', () => {
  const yaml = Array.from({ length: 6 }, (_, i) => ({ text: `  y${i}`, tone: 'plain' as const, yaml: true }));
  const lines = [{ text: 'title', tone: 'title' as const }, ...yaml, { text: 'cmd', tone: 'plain' as const }, { text: 'err', tone: 'error' as const }];
  assert.deepEqual(fitDetails(lines, 20).map((l) => l.text), lines.map((l) => l.text));
  assert.deepEqual(fitDetails(lines, 6).map((l) => l.text), ['title', '  y0', '  y1', '  … 4 more lines of YAML', 'cmd', 'err']);
  assert.deepEqual(fitDetails(lines, 4).map((l) => l.text), ['title', '  … 6 more lines of YAML', 'cmd', 'err']);
  assert.deepEqual(fitDetails(lines, 2).map((l) => l.text), ['title', '… 2 more lines']);
  assert.deepEqual(fitDetails(lines, 0), []);
});

test('an action from the cache says so in its row and details; one that ran says why it was not cached', () => {
  const view = build((v) => ({
    ...v,
    steps: v.steps.map((s, i) =>
      i === 0
        ? { ...s, status: 'done' as const, durationMs: 0, cache: { hit: true, reason: 'its layer is in the cache' } }
        : i === 1
          ? { ...s, status: 'done' as const, durationMs: 2500, cache: { hit: false, reason: 'property "packages" changed' } }
          : s,
    ),
  }));
  const rows = stepRows(view, initialState(infos, [], false), new Map(), 1, 0);
  assert.deepEqual(rows.map((r) => r.time), ['cached', '2.5s', '']);
  assert.deepEqual(detailLines(view.steps[0]!, undefined).map((l) => l.text), ['Action 1: unpack at r.yaml:3:5', 'From the cache: its layer is in the cache']);
  assert.ok(detailLines(view.steps[1]!, undefined).some((l) => l.text === 'Ran, not from the cache: property "packages" changed'));
});
