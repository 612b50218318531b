import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIALOG_KEYS, intentFor, MAIN_KEYS } from '../../../src/tui/keymap.js';

test('the documented keys', () => {
  assert.deepEqual(intentFor('n', {}), { type: 'command', command: 'step' });
  assert.deepEqual(intentFor('c', {}), { type: 'command', command: 'continue' });
  assert.deepEqual(intentFor('b', {}), { type: 'breakpoint' });
  assert.deepEqual(intentFor('r', {}), { type: 'command', command: 'retry' });
  assert.deepEqual(intentFor('k', {}), { type: 'command', command: 'skip' });
  assert.deepEqual(intentFor('s', {}), { type: 'shell', chroot: true });
  assert.deepEqual(intentFor('h', {}), { type: 'shell', chroot: false });
  assert.deepEqual(intentFor('v', {}), { type: 'verbose' });
  assert.deepEqual(intentFor('e', {}), { type: 'edit' });
  assert.deepEqual(intentFor('q', {}), { type: 'quit' });
  assert.deepEqual(intentFor('', { upArrow: true }), { type: 'move', delta: -1 });
  assert.deepEqual(intentFor('', { downArrow: true }), { type: 'move', delta: 1 });
  assert.deepEqual(intentFor('', { pageUp: true }), { type: 'page', direction: 1 });
  assert.deepEqual(intentFor('', { pageDown: true }), { type: 'page', direction: -1 });
});

test('unknown keys and modified letters mean nothing', () => {
  assert.equal(intentFor('z', {}), undefined);
  assert.equal(intentFor('n', { ctrl: true }), undefined);
  assert.equal(intentFor('N', {}), undefined);
});

test('Ctrl-C asks to quit; twice keeps the workspace', () => {
  assert.deepEqual(intentFor('c', { ctrl: true }), { type: 'quit' });
  assert.deepEqual(intentFor('c', { ctrl: true }, 'quit'), { type: 'answer', answer: 'keep' });
});

test('in a dialog only its keys count', () => {
  assert.deepEqual(intentFor('k', {}, 'quit'), { type: 'answer', answer: 'keep' });
  assert.deepEqual(intentFor('d', {}, 'quit'), { type: 'answer', answer: 'discard' });
  assert.deepEqual(intentFor('', { escape: true }, 'quit'), { type: 'answer', answer: 'cancel' });
  assert.equal(intentFor('n', {}, 'quit'), undefined, 'n does not step while the quit question is open');
  assert.deepEqual(intentFor('y', {}, 'rewind'), { type: 'answer', answer: 'yes' });
  assert.deepEqual(intentFor('n', {}, 'rewind'), { type: 'answer', answer: 'no' });
  assert.deepEqual(intentFor('', { escape: true }, 'rewind'), { type: 'answer', answer: 'no' });
});

test('every key in the tables is unique within its table', () => {
  for (const table of [MAIN_KEYS, ...Object.values(DIALOG_KEYS)]) {
    const keys = table.map((b) => b.key);
    assert.equal(new Set(keys).size, keys.length, keys.join(' '));
  }
});
