import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialUi, reduceUi } from '../../../../src/tui/state/ui-choices.js';

const start = initialUi({ verbose: false, count: 5 });

test('starts on the first action, following the build', () => {
  assert.equal(start.cursor, 1);
  assert.equal(start.follow, true);
  assert.equal(initialUi({ verbose: true, count: 0 }).cursor, 0);
});

test('moving selects within the plan and stops following', () => {
  const moved = reduceUi(start, { type: 'move', delta: 2, count: 5 });
  assert.equal(moved.cursor, 3);
  assert.equal(moved.follow, false);
  assert.equal(reduceUi(moved, { type: 'move', delta: Infinity, count: 5 }).cursor, 5);
  assert.equal(reduceUi(moved, { type: 'move', delta: -10, count: 5 }).cursor, 1);
  assert.equal(reduceUi(start, { type: 'move', delta: -1, count: 5 }), start, 'no change at the top');
});

test('the selection follows the build unless the user moved it; a pause always takes it', () => {
  assert.equal(reduceUi(start, { type: 'reached', index: 3 }).cursor, 3);
  const moved = reduceUi(start, { type: 'move', delta: 1, count: 5 });
  assert.equal(reduceUi(moved, { type: 'reached', index: 4 }).cursor, 2);
  const paused = reduceUi(moved, { type: 'reached', index: 4, force: true });
  assert.equal(paused.cursor, 4);
  assert.equal(paused.follow, true);
});

test('scrolling stays between 0 and max, and resets on a new selection', () => {
  const up = reduceUi(start, { type: 'scroll', delta: 30, max: 20 });
  assert.equal(up.scroll, 20);
  assert.equal(reduceUi(up, { type: 'scroll', delta: -50, max: 20 }).scroll, 0);
  assert.equal(reduceUi(up, { type: 'move', delta: 1, count: 5 }).scroll, 0);
});

test('dialogs, messages, verbosity and quitting', () => {
  let ui = reduceUi(start, { type: 'dialog', dialog: { type: 'quit' } });
  assert.deepEqual(ui.dialog, { type: 'quit' });
  ui = reduceUi(ui, { type: 'dialog', dialog: undefined });
  assert.equal('dialog' in ui, false);
  ui = reduceUi(ui, { type: 'message', message: { text: 'hi', tone: 'info' } });
  assert.equal(ui.message?.text, 'hi');
  ui = reduceUi(ui, { type: 'toggle-verbose' });
  assert.equal(ui.verbose, true);
  ui = reduceUi(ui, { type: 'toggle-details' });
  assert.equal(ui.details, false);
  assert.equal(reduceUi(ui, { type: 'quitting' }).quitting, true);
});
