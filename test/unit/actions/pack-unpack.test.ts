import assert from 'node:assert/strict';
import { test } from 'node:test';
import { archiveType } from '../../../src/engine/actions/archive.js';
import { errors, files, params } from './check.js';

test('pack takes the compressions tar knows, auto and none', () => {
  for (const c of ['bzip2', 'gz', 'lzip', 'lzma', 'lzop', 'xz', 'zstd', 'auto', 'none']) {
    assert.equal(params({ action: 'pack', file: 'r.tar', compression: c }).compression, c);
  }
  assert.deepEqual(errors({ action: 'pack', file: 'r.tar', compression: 'zip' }), [
    'compression: "compression" in pack action: expected one of bzip2, gz, lzip, lzma, lzop, xz, zstd, auto, none, got "zip"',
  ]);
  assert.deepEqual(errors({ action: 'pack' }), ['file: missing required property "file" in pack action']);
});

test('unpack needs a file or an origin', () => {
  assert.deepEqual(errors({ action: 'unpack' }), ["unpack action: one of 'file' or 'origin' is required"]);
  assert.equal(params({ action: 'unpack', origin: 'fw' }, { downloads: ['fw'] }).origin, 'fw');
});

test('unpack compression is for tar archives only, and one tar knows', () => {
  assert.deepEqual(errors({ action: 'unpack', file: 'a.zip', compression: 'gz' }), [
    "compression: unpack action: 'compression' is supported for tar archives only",
  ]);
  assert.deepEqual(errors({ action: 'unpack', file: 'a.tar', compression: 'auto' }), [
    'compression: "compression" in unpack action: expected one of bzip2, gz, lzip, lzma, lzop, xz, zstd, got "auto"',
  ]);
  assert.equal(params({ action: 'unpack', file: 'a.tar.xz', compression: 'xz' }).compression, 'xz');
});

test('archive types by extension', () => {
  assert.equal(archiveType('a.deb'), 'deb');
  assert.equal(archiveType('A.ZIP'), 'zip');
  assert.equal(archiveType('a.tar.gz'), 'tar');
  assert.equal(archiveType('a'), 'tar');
});

test('unpack checks the file only with origin recipe', () => {
  assert.deepEqual(files({ action: 'unpack', origin: 'recipe', file: 'base.tar.gz' }), ['file /recipes/base.tar.gz file']);
  assert.deepEqual(files({ action: 'unpack', file: 'base.tar.gz' }), []);
});
