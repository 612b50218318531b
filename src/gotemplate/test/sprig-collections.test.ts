// sprig's list and dict functions called directly: Go's reference semantics (set changes the
// map it is given, append returns a new slice), nil results, and result types.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoMap, GoSlice, NilMap, NilSlice, type GoValue } from '../value.js';
import { call, callError } from './sprig-call.js';

const list = (...items: GoValue[]) => new GoSlice('interface {}', items);
const dict = (entries: Record<string, GoValue>) => new GoMap('interface {}', new Map(Object.entries(entries)));
const strings = (...items: string[]) => new GoSlice('string', items);

describe('lists', () => {
  test('list copies its arguments into a new []interface{}', () => {
    const l = call('list', 1n, 'a') as GoSlice;
    assert.equal(l.type, '[]interface {}');
    assert.deepEqual(l.items, [1n, 'a']);
  });
  test('append and prepend leave the original alone and return []interface{}', () => {
    const original = strings('a', 'b');
    const appended = call('append', original, 'c') as GoSlice;
    const prepended = call('prepend', original, 'z') as GoSlice;
    assert.deepEqual(original.items, ['a', 'b']);
    assert.deepEqual(appended.items, ['a', 'b', 'c']);
    assert.deepEqual(prepended.items, ['z', 'a', 'b']);
    assert.equal(appended.type, '[]interface {}');
  });
  test('rest and initial of an empty list, and concat of nothing, are nil slices', () => {
    assert.ok(call('rest', list()) instanceof NilSlice);
    assert.ok(call('initial', list()) instanceof NilSlice);
    assert.ok(call('concat') instanceof NilSlice);
    assert.ok(!(call('rest', list(1n)) instanceof NilSlice));
  });
  test('first, last and slice of an empty list are nil', () => {
    assert.equal(call('first', list()), null);
    assert.equal(call('last', new NilSlice('string')), null);
    assert.equal(call('slice', list()), null);
  });
  test('slice keeps the element type', () => {
    const s = call('slice', strings('a', 'b', 'c'), 1n) as GoSlice;
    assert.equal(s.type, '[]string');
    assert.deepEqual(s.items, ['b', 'c']);
  });
  test('a nil list argument panics as reflect.TypeOf(nil).Kind() does', () => {
    const nilPanic = 'runtime error: invalid memory address or nil pointer dereference';
    for (const name of ['first', 'mustLast', 'reverse', 'uniq', 'compact', 'chunk']) {
      const args: GoValue[] = name === 'chunk' ? [2n, null] : [null];
      assert.equal(callError(name, ...args), nilPanic, name);
    }
    assert.equal(call('has', 1n, null), false);
  });
  test('non-slices are refused with the kind in the message', () => {
    assert.equal(callError('mustFirst', dict({})), 'Cannot find first on type map');
    assert.equal(callError('push', 1.5, 1n), 'Cannot push on type float64');
    assert.equal(callError('mustChunk', 1n, 'ab'), 'Cannot chunk type string');
    assert.equal(callError('slice', true), 'list should be type of slice or array but bool');
    assert.equal(callError('concat', list(), 'x'), 'Cannot concat type string as list');
  });
  test('uniq, without and has compare with reflect.DeepEqual', () => {
    assert.deepEqual((call('uniq', list(list(1n), list(1n), 1n, 1)) as GoSlice).items, [list(1n), 1n, 1]);
    assert.deepEqual((call('without', list(1n, 'a', null), null, 'a') as GoSlice).items, [1n]);
    assert.equal(call('has', strings('x'), list(strings('x'))), true);
    assert.equal(call('has', list('x'), list(strings('x'))), false);
  });
  test('chunk splits into [][]interface{}', () => {
    const chunks = call('chunk', 2n, list(1n, 2n, 3n)) as GoSlice;
    assert.equal(chunks.type, '[][]interface {}');
    assert.deepEqual(chunks.items, [list(1n, 2n), list(3n)]);
    assert.equal(callError('chunk', 0n, list(1n)), 'runtime error: makeslice: len out of range');
  });
  test('sortAlpha orders by code point, as Go compares strings', () => {
    assert.deepEqual((call('sortAlpha', list('b', '😀', '\uffff', 'B', 1n)) as GoSlice).items, ['1', 'B', 'b', '\uffff', '😀']);
  });
  test('join and toStrings drop nil items', () => {
    assert.equal(call('join', '-', list('a', null, 2n)), 'a-2');
    assert.deepEqual(call('toStrings', list(null, true)), strings('true'));
  });
});

describe('dicts', () => {
  test('set and unset change the map they are given', () => {
    const d = dict({ a: 1n });
    assert.equal(call('set', d, 'b', 2n), d);
    assert.equal(call('unset', d, 'a'), d);
    assert.deepEqual([...d.entries], [['b', 2n]]);
  });
  test('set on a nil map panics; unset and reads treat it as empty', () => {
    const nil = new NilMap('interface {}');
    assert.equal(callError('set', nil, 'a', 1n), 'assignment to entry in nil map');
    assert.equal(call('unset', nil, 'a'), nil);
    assert.equal(call('get', nil, 'a'), '');
    assert.equal(call('hasKey', nil, 'a'), false);
  });
  test('dict keys are %v of the key, an odd value count pads with ""', () => {
    const d = call('dict', 1n, 'one', null, 'n', 'last') as GoMap;
    assert.deepEqual([...d.entries], [['1', 'one'], ['<nil>', 'n'], ['last', '']]);
  });
  test('pick and omit build new maps', () => {
    const d = dict({ a: 1n, b: 2n });
    const picked = call('pick', d, 'a', 'z') as GoMap;
    const omitted = call('omit', d, 'a') as GoMap;
    assert.notEqual(picked, d);
    assert.deepEqual([...picked.entries], [['a', 1n]]);
    assert.deepEqual([...omitted.entries], [['b', 2n]]);
  });
  test('keys, values and pluck return slices of their declared types', () => {
    assert.deepEqual(call('keys', dict({ x: 1n }), dict({ y: 2n })), strings('x', 'y'));
    assert.deepEqual(call('values', dict({ x: 'v' })), list('v'));
    assert.deepEqual(call('pluck', 'x', dict({ x: 1n }), dict({}), dict({ x: 2n })), list(1n, 2n));
  });
  test('dig walks nested dicts and asserts their types as Go does', () => {
    const d = dict({ a: dict({ b: 'deep' }), s: 'str' });
    assert.equal(call('dig', 'a', 'b', 'default', d), 'deep');
    assert.equal(call('dig', 'a', 'x', 'default', d), 'default');
    assert.equal(callError('dig', 's', 'b', 'd', d), 'interface conversion: interface {} is string, not map[string]interface {}');
    assert.equal(callError('dig', 'a', 'b', new GoMap('string', new Map())), 'interface conversion: interface {} is map[string]string, not map[string]interface {}');
    assert.equal(callError('dig', 'a', 'd'), 'dig needs at least three arguments');
  });
});

describe('defaults', () => {
  test('emptiness follows the value kind', () => {
    for (const v of [null, undefined, '', 0n, 0, -0, false, list(), new NilMap('string')]) assert.equal(call('empty', v), true);
    for (const v of ['0', 1n, NaN, true, list(null), dict({ a: null })]) assert.equal(call('empty', v), false);
  });
  test('default returns the given value, not a copy', () => {
    const l = list(1n);
    assert.equal(call('default', 'd', l), l);
    assert.equal(call('default', 'd'), 'd');
  });
  test('coalesce of nothing usable is nil', () => {
    assert.equal(call('coalesce', '', null), null);
  });
});
