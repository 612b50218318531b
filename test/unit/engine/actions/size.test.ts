import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImageSize, parseSize } from '../../../../src/core/size.js';

test('image sizes: decimal units unless spelled KiB…PiB', () => {
  assert.equal(parseImageSize('8G'), 8e9);
  assert.equal(parseImageSize('1GB'), 1e9);
  assert.equal(parseImageSize('256m'), 256e6);
  assert.equal(parseImageSize('1.5 GB'), 1.5e9);
  assert.equal(parseImageSize('4GiB'), 4 * 1024 ** 3);
  assert.equal(parseImageSize('512kib'), 512 * 1024);
  assert.equal(parseImageSize('2TiB'), 2 * 1024 ** 4);
  assert.equal(parseImageSize('100'), 100);
  assert.equal(parseImageSize(''), undefined);
  assert.equal(parseImageSize('4 XB'), undefined);
  assert.equal(parseImageSize('-1G'), undefined);
});

test('a space before GiB makes it decimal, as in debos', () => {
  assert.equal(parseImageSize('4 GiB'), 4e9);
});

test('parseSize in either base', () => {
  assert.equal(parseSize('1M', true), 1024 ** 2);
  assert.equal(parseSize('1M', false), 1e6);
});
