import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawSource } from '../../../src/engine/actions/raw.js';
import { AN_IMAGE, errors, files, params, warnings } from './check.js';

const withImage = { image: AN_IMAGE };

test('source is required', () => {
  assert.deepEqual(errors({ action: 'raw' }, withImage), ["source: raw action: 'source' can't be empty"]);
});

test('the origin defaults to the recipe directory, whose source must exist', () => {
  assert.deepEqual(rawSource(params({ action: 'raw', source: 'u-boot.bin' }, withImage)), { origin: 'recipe', source: 'u-boot.bin' });
  assert.deepEqual(files({ action: 'raw', source: 'blobs/u-boot.bin' }, withImage), ['source /recipes/blobs/u-boot.bin file']);
  assert.deepEqual(files({ action: 'raw', origin: 'artifacts', source: 'x' }, withImage), []);
  assert.deepEqual(errors({ action: 'raw', origin: 'nowhere', source: 'x' }, withImage), ['origin: raw action: unknown origin "nowhere"']);
});

test('the deprecated source+path form works, with a warning', () => {
  const node = { action: 'raw', source: 'artifacts', path: 'u-boot.bin' } as const;
  assert.deepEqual(rawSource(params(node, withImage)), { origin: 'artifacts', source: 'u-boot.bin' });
  assert.deepEqual(warnings(node, withImage), ["path: raw action: 'source' with 'path' is deprecated: use 'origin' (was 'source') and 'source' (was 'path')"]);
  assert.deepEqual(errors({ ...node, origin: 'recipe' }, withImage), ["origin: raw action: can't mix 'origin' with the deprecated 'path'"]);
  assert.deepEqual(errors({ action: 'raw', source: 'nowhere', path: 'x' }, withImage), ['source: raw action: unknown origin "nowhere"']);
});

test('offsets in bytes (Go integer forms) or sectors', () => {
  for (const offset of ['0', '1024', '0x400', '0o17', '017', '0b1', '42s', '1_000']) {
    assert.equal(params({ action: 'raw', source: 'x', offset }, withImage).offset, offset);
  }
  for (const offset of ['1k', 's', '-1s', '0x', '-1']) {
    assert.deepEqual(errors({ action: 'raw', source: 'x', offset }, withImage), [
      `offset: raw action: offset "${offset}" is neither a number of bytes nor of sectors (like 32s)`,
    ]);
  }
});
