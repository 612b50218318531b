import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingBuffer } from '../../../src/util/ring-buffer.js';

test('keeps items in order until full', () => {
  const r = new RingBuffer<number>(3);
  assert.equal(r.push(1), undefined);
  r.push(2);
  assert.deepEqual(r.toArray(), [1, 2]);
  assert.equal(r.size, 2);
  assert.equal(r.dropped, 0);
});

test('drops the oldest item when full and returns it', () => {
  const r = new RingBuffer<string>(3);
  for (const x of ['a', 'b', 'c']) r.push(x);
  assert.equal(r.push('d'), 'a');
  assert.equal(r.push('e'), 'b');
  assert.deepEqual(r.toArray(), ['c', 'd', 'e']);
  assert.equal(r.size, 3);
  assert.equal(r.dropped, 2);
  assert.equal(r.at(0), 'c');
  assert.equal(r.at(2), 'e');
  assert.equal(r.at(3), undefined);
  assert.equal(r.at(-1), undefined);
});

test('wraps around many times with constant size', () => {
  const r = new RingBuffer<number>(1000);
  for (let i = 0; i < 100_000; i++) r.push(i);
  assert.equal(r.size, 1000);
  assert.equal(r.dropped, 99_000);
  assert.equal(r.at(0), 99_000);
  assert.equal(r.at(999), 99_999);
});

test('clear empties it and resets the dropped count', () => {
  const r = new RingBuffer<number>(2);
  for (const x of [1, 2, 3]) r.push(x);
  r.clear();
  assert.equal(r.size, 0);
  assert.equal(r.dropped, 0);
  r.push(4);
  assert.deepEqual(r.toArray(), [4]);
});

test('rejects a capacity that is not a positive integer', () => {
  assert.throws(() => new RingBuffer(0), RangeError);
  assert.throws(() => new RingBuffer(1.5), RangeError);
});
