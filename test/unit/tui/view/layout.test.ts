import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialState } from '../../../../src/engine/controller/reducer.js';
import { initialProgress } from '../../../../src/tui/state/build-progress.js';
import { type Snapshot } from '../../../../src/tui/state/debugger-store.js';
import { keyBarLines, listStart, screenLayout } from '../../../../src/tui/view/layout.js';
import { initialUi } from '../../../../src/tui/state/ui-choices.js';

test('key bar items wrap to the width, two spaces apart', () => {
  const items = ['aa', 'bb', 'cc'].map((label) => ({ key: 'x', label, enabled: true }));
  assert.deepEqual(keyBarLines(items, 10).map((l) => l.map((i) => i.label)), [['aa', 'bb'], ['cc']]);
  assert.deepEqual(keyBarLines(items, 9).map((l) => l.length), [1, 1, 1]);
  assert.equal(keyBarLines(items, 200).length, 1);
});

test('the list scrolls to keep the selection in view, near the middle', () => {
  assert.equal(listStart(5, 4, 10), 0);
  assert.equal(listStart(100, 0, 10), 0);
  assert.equal(listStart(100, 50, 10), 45);
  assert.equal(listStart(100, 99, 10), 90);
});

test('the layout fills the terminal but one row, and gives the log at least half the right side', () => {
  const steps = Array.from({ length: 3 }, (_, i) => ({ index: i + 1, kind: 'run', description: `S${i + 1}`, where: 'r.yaml:1:1' }));
  const yaml = Array.from({ length: 40 }, (_, i) => `  line${i}: x`).join('\n');
  const snap: Snapshot = {
    build: initialProgress(steps),
    control: initialState(steps, [], false),
    ui: initialUi({ verbose: false, count: 3 }),
    sources: new Map([[1, { yaml, where: 'r.yaml:1:1', file: 'r.yaml', depth: 0 }]]),
    user: 'root',
    logVersion: 0,
  };
  const l = screenLayout(snap, { columns: 200, rows: 50 });
  assert.equal(l.height, 49);
  assert.equal(l.keyBar.length, 1);
  assert.equal(l.bodyHeight, 49 - 2 - 1 - 1);
  assert.ok(l.logHeight >= l.detailsHeight);
  assert.equal(l.detailsHeight + 1 + l.logHeight, l.bodyHeight);
  const hidden = screenLayout({ ...snap, ui: { ...snap.ui, details: false } }, { columns: 200, rows: 50 });
  assert.equal(hidden.detailsHeight, 0);
  const narrow = screenLayout({ ...snap, ui: { ...snap.ui, message: { text: 'a\nb', tone: 'info' } } }, { columns: 80, rows: 24 });
  assert.ok(narrow.keyBar.length > 1);
  assert.deepEqual(narrow.message, ['a', 'b']);
  assert.equal(narrow.bodyHeight, 23 - 2 - 1 - 2 - narrow.keyBar.length);
});
