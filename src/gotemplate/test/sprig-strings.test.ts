// sprig's string functions called directly. Expected values are Go 1.24's for the same
// arguments (see golden/sprig-strings.jsonl for the same functions through templates).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoNumber, GoSlice } from '../value.js';
import { sliceBytes, splitN, title, toLower, toUpper, trimSpace } from '../funcs/go/strings.js';
import { parseFloat, parseInt } from '../funcs/go/strconv.js';
import { call, callError } from './sprig-call.js';

describe('byte-oriented functions', () => {
  test('trunc and substr count UTF-8 bytes', () => {
    assert.equal(call('trunc', 3n, 'héllo'), 'hé');
    assert.equal(call('substr', 1n, 3n, 'héllo'), 'é');
  });

  test('a cut through a character leaves U+FFFD where Go leaves the raw byte', () => {
    assert.equal(call('substr', 0n, 2n, 'héllo'), 'h\ufffd');
    assert.equal(call('trunc', -4n, 'héllo'), '\ufffdllo');
  });

  test('out-of-range slices panic with Go runtime messages', () => {
    assert.equal(callError('substr', 7n, 9n, 'hello'), 'runtime error: slice bounds out of range [7:5]');
    assert.equal(callError('substr', -1n, -2n, 'hello'), 'runtime error: slice bounds out of range [:-2]');
    assert.throws(() => sliceBytes('abc', 0, 4), /\[:4\] with length 3/);
  });
});

describe('case mapping is Unicode simple mapping', () => {
  test('characters whose full mapping is longer stay unchanged', () => {
    assert.equal(toUpper('ß ŉ'), 'ß ŉ');
  });
  test('Greek with ypogegrammeni maps to its titlecase form', () => {
    assert.equal(toUpper('ᾳ ᾀ'), 'ᾼ ᾈ');
  });
  test('dotted capital I lowers to plain i', () => {
    assert.equal(toLower('İ'), 'i');
  });
  test('title uses titlecase and Go word boundaries', () => {
    assert.equal(title('ǆemal ǳ'), 'ǅemal ǲ');
    assert.equal(title('hello_world foo-bar x.y 1st'), 'Hello_world Foo-Bar X.Y 1st');
    assert.equal(title('ნინო'), 'ნინო');
  });
});

test('trimSpace trims Unicode white space but not the BOM', () => {
  assert.equal(trimSpace('\u0085\u00a0 a \u2029'), 'a');
  assert.equal(trimSpace('\ufeffa'), '\ufeffa');
});

test('splitN splits an empty separator into runes', () => {
  assert.deepEqual(splitN('a😀b', '', -1), ['a', '😀', 'b']);
  assert.deepEqual(splitN('a😀b', '', 2), ['a', '😀b']);
  assert.deepEqual(splitN('a,b,c', ',', 0), []);
});

test('replace with an empty old string inserts around each rune', () => {
  assert.equal(call('replace', '', '.', 'a😀'), '.a.😀.');
});

test('repeat refuses what Go refuses and what JS cannot hold', () => {
  assert.equal(callError('repeat', -1n, 'a'), 'strings: negative Repeat count');
  assert.match(callError('repeat', 1n << 40n, 'abc'), /too long/);
});

describe('quoting', () => {
  test('quote is strconv.Quote of each non-nil argument', () => {
    assert.equal(call('quote', 'a"b', null, 1n, '\u00ff\u0007\u{1f600}\u{e0001}'), '"a\\"b" "1" "ÿ\\a😀\\U000e0001"');
  });
});

test('cat and squote skip nils and print the rest with %v', () => {
  assert.equal(call('cat', 'a', null, 2n, new GoSlice('interface {}', [1n, 'x'])), 'a 2 [1 x]');
  assert.equal(call('squote', null, 'x', 1.5), "'x' '1.5'");
});

test('toString of a []byte is its text', () => {
  const bytes = new GoSlice('uint8', [...Buffer.from('hé')].map((b) => new GoNumber('uint8', BigInt(b))));
  assert.equal(call('toString', bytes), 'hé');
});

test('adler32sum is the decimal checksum', () => {
  assert.equal(call('adler32sum', 'Wikipedia'), String(0x11e60398));
});

describe('strconv', () => {
  test('parseInt clamps on overflow and reports it', () => {
    assert.deepEqual(parseInt('9223372036854775808', 10, 64), { value: 9223372036854775807n, err: 'range' });
    assert.deepEqual(parseInt('-9223372036854775809', 10, 64), { value: -9223372036854775808n, err: 'range' });
    assert.deepEqual(parseInt('12a', 10, 64), { value: 0n, err: 'syntax' });
  });
  test('parseInt base 0 reads prefixes and underscores', () => {
    assert.equal(parseInt('0x_1F', 0, 64).value, 31n);
    assert.equal(parseInt('017', 0, 64).value, 15n);
    assert.equal(parseInt('0b101', 0, 64).value, 5n);
    assert.equal(parseInt('1__0', 0, 64).err, 'syntax');
    assert.equal(parseInt('1_0', 10, 64).err, 'syntax');
  });
  test('parseFloat follows Go syntax', () => {
    assert.equal(parseFloat('1_000.5').value, 1000.5);
    assert.equal(parseFloat('0x1.8p1').value, 3);
    assert.equal(parseFloat('.5e1').value, 5);
    assert.equal(parseFloat('+Inf').value, Infinity);
    assert.equal(parseFloat('infinity').value, Infinity);
    assert.equal(parseFloat('infin').err, 'syntax');
    assert.equal(parseFloat('+nan').err, 'syntax');
    assert.equal(parseFloat('0x1').err, 'syntax');
    assert.equal(parseFloat(' 1').err, 'syntax');
    assert.equal(parseFloat('1e').err, 'syntax');
    assert.equal(parseFloat('_1').err, 'syntax');
    assert.deepEqual(parseFloat('-1e309'), { value: -Infinity, err: 'range' });
    assert.deepEqual(parseFloat('1e-400'), { value: 0, err: null });
  });
});
