import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawOffset, rawSource } from '../../../../src/engine/actions/raw.js';
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

test('offsets in bytes or sectors of the recipe sector size', () => {
  assert.deepEqual(['0', '1024', '0x400', '42s', '0x10s'].map((o) => rawOffset(o, 512)), [0, 1024, 1024, 21504, 8192]);
  assert.equal(rawOffset('42s', 4096), 172032);
  assert.equal(rawOffset('-1', 512), undefined);
  assert.equal(rawOffset('1k', 512), undefined);
});

test('an image before it, a partition it has, and an offset inside the target', () => {
  assert.deepEqual(errors({ action: 'raw', source: 'x' }), ['raw action: there is no image to write into: no image-partition action comes before it']);
  assert.deepEqual(errors({ action: 'raw', source: 'x', partition: 'efi' }, withImage), ['partition: raw action: the image disk.img has no partition "efi"']);
  assert.equal(params({ action: 'raw', source: 'x', partition: 'boot', offset: '0x100' }, withImage).partition, 'boot');
  assert.deepEqual(errors({ action: 'raw', source: 'x', offset: '1000000000' }, withImage), [
    'offset: raw action: offset 1000000000 (byte 1000000000) is past the end of the image disk.img (1000000000 bytes)',
  ]);
  assert.deepEqual(errors({ action: 'raw', source: 'x', partition: 'boot', offset: '500000s' }, withImage), [
    'offset: raw action: offset 500000s (byte 256000000) is past the end of partition boot (256000000 bytes)',
  ]);
  assert.equal(params({ action: 'raw', source: 'x', offset: '1953124s' }, withImage).offset, '1953124s');
});
