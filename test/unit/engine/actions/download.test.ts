import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curlArgv, curlProxyEnv, downloadFilename, isLoopback } from '../../../../src/engine/actions/download.js';
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

test('curl gets the proxy variables as Go reads them: the upper-case name first, and no others', () => {
  const none = { http_proxy: '', https_proxy: '', no_proxy: '', all_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '', NO_PROXY: '', ALL_PROXY: '' };
  assert.deepEqual(curlProxyEnv({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', http_proxy: 'http://p:3', no_proxy: '.internal', ALL_PROXY: 'socks5://x' }), {
    ...none,
    https_proxy: 'http://upper:1',
    http_proxy: 'http://p:3',
    no_proxy: '.internal',
  });
  assert.deepEqual(curlProxyEnv({ NO_PROXY: '', no_proxy: 'x' }), { ...none, no_proxy: 'x' }, 'an empty one counts as unset');
  assert.deepEqual(curlProxyEnv({}), none, 'none set: debstep\'s own (removed with -e NAME:) do not reach curl');
});

test('curl fails on an HTTP error, follows redirects over http(s) only, and never proxies loopback', () => {
  const argv = curlArgv('https://files.internal.test/a/fw.bin', '/dl/fw.bin');
  assert.equal(argv[0], 'curl');
  for (const flag of ['--fail', '--location', '--show-error']) assert.ok(argv.includes(flag), flag);
  assert.deepEqual(argv.slice(argv.indexOf('--proto-redir'), argv.indexOf('--proto-redir') + 2), ['--proto-redir', '=http,https']);
  assert.deepEqual(argv.slice(-4), ['--output', '/dl/fw.bin', '--', 'https://files.internal.test/a/fw.bin']);
  assert.ok(!argv.includes('--noproxy'));
  for (const url of ['http://localhost:8080/x', 'http://127.0.0.1/x', 'http://[::1]:81/x', 'http://a.localhost/x']) {
    assert.ok(isLoopback(url), url);
    assert.deepEqual(curlArgv(url, '/f').slice(-4, -2), ['--noproxy', '*']);
  }
  assert.ok(!isLoopback('http://128.0.0.1/x'));
});
