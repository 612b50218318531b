// sprig's functions that read the machine (env, expandenv, getHostByName, osAbs) and so have
// no golden output, plus paths and encodings checked against Go's rules directly.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lookupHost } from '../funcs/sprig/network.js';
import { expandEnv } from '../funcs/sprig/os.js';
import { clean } from '../funcs/sprig/paths.js';
import { call, callError } from './sprig-call.js';

describe('environment', () => {
  test('env reads process.env, unset is empty', () => {
    process.env['DEBSTEP_TEST_ENV'] = 'from test';
    assert.equal(call('env', 'DEBSTEP_TEST_ENV'), 'from test');
    delete process.env['DEBSTEP_TEST_ENV'];
    assert.equal(call('env', 'DEBSTEP_TEST_ENV'), '');
  });
  test('expandenv follows os.ExpandEnv', () => {
    process.env['DEBSTEP_A'] = 'a';
    process.env['1'] = 'one';
    try {
      assert.equal(expandEnv('$DEBSTEP_A-${DEBSTEP_A}x $DEBSTEP_Ax'), 'a-ax ');
      assert.equal(expandEnv('$1x ${1}x $'), 'onex onex $');
      assert.equal(expandEnv('${} ${DEBSTEP_A ${!}'), ' ');
      assert.equal(expandEnv('100$ and $%'), '100$ and $%');
      assert.equal(call('expandenv', '[$DEBSTEP_A]'), '[a]');
    } finally {
      delete process.env['DEBSTEP_A'];
      delete process.env['1'];
    }
  });
});

describe('getHostByName', () => {
  test('resolves localhost through the system resolver', () => {
    const addr = call('getHostByName', 'localhost') as string;
    assert.ok(['127.0.0.1', '::1'].includes(addr), addr);
    assert.ok(lookupHost('localhost').includes(addr));
  });
  test('an IP address resolves to itself', () => {
    assert.equal(call('getHostByName', '192.0.2.7'), '192.0.2.7');
  });
  test('a name that does not resolve fails as sprig does (rand.Intn(0))', () => {
    assert.equal(callError('getHostByName', 'no-such-host.invalid'), 'invalid argument to Intn');
  });
});

describe('paths', () => {
  test('osAbs joins relative paths to the working directory', () => {
    assert.equal(call('osAbs', 'a/../b'), clean(`${process.cwd()}/b`));
    assert.equal(call('osAbs', '/x//y/'), '/x/y');
  });
  test('clean is lexical, like path.Clean', () => {
    assert.equal(clean('a/./b/../../..'), '..');
    assert.equal(clean('/../../a'), '/a');
    assert.equal(clean('a//b/'), 'a/b');
  });
  test('dir and ext of edge cases', () => {
    assert.equal(call('dir', 'a'), '.');
    assert.equal(call('dir', '/a'), '/');
    assert.equal(call('ext', 'a.b/c'), '');
    assert.equal(call('base', '///'), '/');
  });
});

describe('encodings', () => {
  test('decoding errors are returned as text with Go byte offsets', () => {
    assert.equal(call('b64dec', 'YQ==\nYQ=='), 'illegal base64 data at input byte 5');
    assert.equal(call('b64dec', 'é'), 'illegal base64 data at input byte 0');
    assert.equal(call('b32dec', 'MFR====='), 'illegal base32 data at input byte 3');
    assert.equal(call('b32dec', 'MFRGGZ=='), 'illegal base32 data at input byte 6');
  });
  test('padding rules', () => {
    assert.equal(call('b64dec', 'YWI='), 'ab');
    assert.equal(call('b64dec', 'Y\r\nQ\r\n=\r\n='), 'a');
    assert.equal(call('b32dec', 'MFRA===='), 'ab');
    assert.equal(call('b32enc', 'ab'), 'MFRA====');
    // Go's base32 stops at the padding and ignores what follows it within the block.
    assert.equal(call('b32dec', 'MFRGG===x'), 'abc');
  });
  test('decoded bytes that are not UTF-8 become U+FFFD', () => {
    assert.equal(call('b64dec', '/w=='), '\ufffd');
  });
});
