// debos's own template functions called directly: the values debos's tests expect, and the
// corner cases of shellescape.Quote and google/uuid's parser.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { shellQuote, uuid5 } from '../funcs/debos.js';
import { call, callError } from './sprig-call.js';

test('sector appends "s" to an int', () => {
  assert.equal(call('sector', 42n), '42s');
  assert.equal(call('sector', -9223372036854775808n), '-9223372036854775808s');
});

describe('escape', () => {
  test("debos's templating test value", () => {
    assert.equal(call('escape', "$ba'd$gers snakes"), `'$ba'"'"'d$gers snakes'`);
  });
  test('safe words stay bare', () => {
    assert.equal(shellQuote('a-Z_0@%+=:,./'), 'a-Z_0@%+=:,./');
  });
  test('anything else is single-quoted, even one unsafe character', () => {
    assert.equal(shellQuote('é'), "'é'");
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("'"), `''"'"''`);
    assert.equal(shellQuote(''), "''");
  });
});

describe('uuid5', () => {
  test("debos's templating test vector", () => {
    assert.equal(call('uuid5', '6c9d1418-8fa9-11ee-b4ca-325096b39f47', 'ver1.0'), '3deb2a0e-692c-5a37-93c0-1123948bf5ae');
  });
  test('RFC 4122 example: www.example.com in the DNS namespace', () => {
    assert.equal(uuid5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
  test('version and variant bits are set', () => {
    const u = uuid5('00000000-0000-0000-0000-000000000000', 'x');
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  test('all namespace spellings google/uuid accepts give the same UUID', () => {
    const expected = uuid5('6c9d1418-8fa9-11ee-b4ca-325096b39f47', 'n');
    for (const ns of ['{6C9D1418-8FA9-11EE-B4CA-325096B39F47}', 'URN:UUID:6c9d1418-8fa9-11ee-b4ca-325096b39f47', '6c9d14188fa911eeb4ca325096b39f47']) {
      assert.equal(uuid5(ns, 'n'), expected, ns);
    }
  });
  test('google/uuid checks only the length of the braced form, not the braces', () => {
    assert.equal(uuid5('x6c9d1418-8fa9-11ee-b4ca-325096b39f47y', 'n'), uuid5('6c9d1418-8fa9-11ee-b4ca-325096b39f47', 'n'));
  });
  test('a bad namespace panics as uuid.MustParse does', () => {
    assert.equal(callError('uuid5', 'nope', 'x'), 'uuid: Parse(nope): invalid UUID length: 4');
    assert.equal(callError('uuid5', 'é'.repeat(18), 'x'), `uuid: Parse(${'é'.repeat(18)}): invalid UUID format`);
  });
});
