// sprig's JSON functions over encoding/json's rules, called directly with values the golden
// tables cannot build (float32, []byte, cycles) and checked for Go's decoding details.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoFunc, GoMap, GoNumber, GoSlice, NilMap, NilSlice, type GoValue } from '../value.js';
import { decodeJSON } from '../funcs/go/json-decode.js';
import { call, callError } from './sprig-call.js';

const list = (...items: GoValue[]) => new GoSlice('interface {}', items);

describe('encoding', () => {
  test('nil slices and maps are null, empty ones are [] and {}', () => {
    assert.equal(call('toJson', list(new NilSlice('string'), new GoSlice('string', []), new NilMap('int'), new GoMap('int', new Map()))), '[null,[],null,{}]');
  });
  test('[]byte is base64', () => {
    const bytes = new GoSlice('uint8', [104n, 105n].map((b) => new GoNumber('uint8', b)));
    assert.equal(call('toJson', bytes), '"aGk="');
  });
  test('float32 uses its own shortest form', () => {
    assert.equal(call('toJson', new GoNumber('float32', Math.fround(0.1))), '0.1');
    assert.equal(call('toJson', new GoNumber('float32', Math.fround(16777217))), '16777216');
  });
  test('sized integers print in decimal', () => {
    assert.equal(call('toJson', new GoNumber('uint64', 18446744073709551615n)), '18446744073709551615');
  });
  test('a map that contains itself is a cycle error', () => {
    const m = new GoMap('interface {}', new Map());
    m.entries.set('self', m);
    assert.equal(callError('mustToJson', m), 'json: unsupported value: encountered a cycle via map[string]interface {}');
    assert.equal(call('toJson', m), '');
  });
  test('functions cannot be encoded', () => {
    const f = new GoFunc('f', ['int'], false, 'string', false, () => '');
    assert.equal(callError('mustToJson', list(f)), 'json: unsupported type: func(int) string');
  });
  test('the same map shared twice is not a cycle', () => {
    const m = new GoMap('interface {}', new Map([['a', 1n]]));
    assert.equal(call('toJson', list(m, m)), '[{"a":1},{"a":1}]');
  });
  test('lone surrogates are replaced', () => {
    assert.equal(call('toJson', 'a\ud800'), '"a\\ufffd"');
  });
});

describe('decoding', () => {
  test('objects, arrays and numbers get Go types', () => {
    const v = decodeJSON('{"a":[1,"x",null,{}]}').value as GoMap;
    assert.equal(v.type, 'map[string]interface {}');
    const a = v.entries.get('a') as GoSlice;
    assert.equal(a.type, '[]interface {}');
    assert.deepEqual(a.items.slice(0, 3), [1, 'x', null]);
  });
  test('integer-like keys keep their order of appearance', () => {
    assert.deepEqual([...(decodeJSON('{"2":0,"1":0,"__proto__":0}').value as GoMap).entries.keys()], ['2', '1', '__proto__']);
  });
  test('surrogate escapes pair up or become U+FFFD', () => {
    assert.equal(decodeJSON('"\\ud83d\\ude00"').value, '😀');
    assert.equal(decodeJSON('"\\udc00\\ud83d"').value, '\ufffd\ufffd');
    assert.equal(decodeJSON('"\\ud83dx"').value, '\ufffdx');
  });
  test('a number too large for float64 is nil and an error, decoding goes on', () => {
    const r = decodeJSON('{"a":1e999,"b":2}');
    assert.deepEqual([...(r.value as GoMap).entries], [['a', null], ['b', 2]]);
    assert.equal(r.error, 'json: cannot unmarshal number 1e999 into Go value of type float64');
  });
  test('syntax errors name the byte as a rune and the scanner state', () => {
    assert.equal(decodeJSON('[1,\u0080]').error, "invalid character 'Â' looking for beginning of value");
    assert.equal(decodeJSON('"\\u12').error, "invalid character ' ' in \\u hexadecimal character escape");
    assert.equal(decodeJSON('{"a"').error, 'unexpected end of JSON input');
    assert.equal(decodeJSON('  ').error, 'unexpected end of JSON input');
  });
  test('nesting deeper than 10000 is refused', () => {
    assert.equal(decodeJSON('['.repeat(10001)).error, "invalid character '[' exceeded max depth");
    assert.equal(decodeJSON('['.repeat(10000)).error, 'unexpected end of JSON input');
    let v = decodeJSON(`${'['.repeat(10000)}"deep"${']'.repeat(10000)}`).value;
    let depth = 0;
    for (; v instanceof GoSlice; depth++) v = v.items[0] ?? null;
    assert.deepEqual([depth, v], [10000, 'deep']);
  });
});
