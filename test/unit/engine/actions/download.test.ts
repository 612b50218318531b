import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downloadFilename } from '../../../../src/engine/actions/download.js';
import { errors, params } from './check.js';

const base = { action: 'download', url: 'https://example.org/dl/fw.tar.xz', name: 'fw' } as const;

test('name is required and not empty', () => {
  assert.deepEqual(errors({ action: 'download', url: base.url }), ['name: missing required property "name" in download action']);
  assert.deepEqual(errors({ ...base, name: '' }), ["name: download action: 'name' can't be empty"]);
});

test('only http and https URLs', () => {
  assert.deepEqual(errors({ ...base, url: 'ftp://example.org/fw.tar' }), [
    'url: download action: unsupported URL "ftp://example.org/fw.tar": only http and https URLs can be downloaded',
  ]);
  assert.deepEqual(errors({ ...base, url: 'not a url' }), ['url: download action: unsupported URL "not a url": only http and https URLs can be downloaded']);
  assert.equal(params({ ...base, url: 'http://example.org/x' }).url, 'http://example.org/x');
});

test('a file name comes from filename or the URL path', () => {
  assert.equal(downloadFilename({ url: base.url }), 'fw.tar.xz');
  assert.equal(downloadFilename({ url: base.url, filename: 'sub/other.tgz' }), 'other.tgz');
  assert.deepEqual(errors({ ...base, url: 'https://example.org/' }), ['url: download action: no file name in URL "https://example.org/"']);
  assert.equal(params({ ...base, url: 'https://example.org/', filename: 'index.html' }).filename, 'index.html');
});

test('sha256sum is 64 hex digits', () => {
  const good = 'a'.repeat(63) + 'F';
  assert.equal(params({ ...base, sha256sum: good }).sha256sum, good);
  assert.deepEqual(errors({ ...base, sha256sum: 'a'.repeat(63) }), ["sha256sum: download action: 'sha256sum' must be 64 hexadecimal digits"]);
  assert.deepEqual(errors({ ...base, sha256sum: 'g'.repeat(64) }), ["sha256sum: download action: 'sha256sum' must be 64 hexadecimal digits"]);
});

test('compression is checked when a tar archive is unpacked', () => {
  assert.deepEqual(errors({ ...base, unpack: 'true', compression: 'rar' }), [
    'compression: download action: compression "rar" is not supported; expected one of bzip2, gz, lzip, lzma, lzop, xz, zstd',
  ]);
  assert.equal(params({ ...base, unpack: 'true', compression: 'xz' }).compression, 'xz');
  assert.equal(params({ ...base, url: 'https://example.org/a.zip', unpack: 'true', compression: 'rar' }).unpack, true);
});
