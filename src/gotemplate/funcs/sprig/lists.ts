// sprig's list functions. Each takes any slice (reflection), returns a new []interface{}
// rather than changing its argument, and comes in two flavours: NAME panics on a non-slice,
// mustNAME returns the same message as an error. Both surface as the call's error text.
import { GoFuncError, GoSlice, NilSlice, type GoFunc, type GoValue } from '../../value.js';
import { aliases, asInt, asString, defineFunc } from '../define.js';
import { deepEqual, goPanic, kindOf, nilDereference, runtimeError } from '../go/reflect.js';
import { compareGoStrings } from '../../fmt/runes.js';
import { anyList, listItems, strslice, strval, toInt64 } from './coerce.js';
import { isEmpty } from './defaults.js';

type ListOp = (list: GoValue, ...rest: GoValue[]) => GoValue;

/**
 * Defines NAME and mustNAME from one body; `what` completes sprig's message
 * "Cannot <what> type <kind>" for a non-slice argument.
 */
function listPair(name: string, signature: string, mustSignature: string, op: ListOp): GoFunc[] {
  const must = `must${name[0]?.toUpperCase()}${name.slice(1)}`;
  return [defineFunc(name, signature, op), defineFunc(must, mustSignature, op)];
}

const cannot = (what: string) => (kind: string) => new GoFuncError(`Cannot ${what} type ${kind}`);

const items = (list: GoValue, what: string): GoValue[] => listItems(list, cannot(what));

const nilList = (): GoSlice => new NilSlice('interface {}');

// sprig's chunk sizes the result with float arithmetic; a size of 0 or a negative count makes
// Go's make() panic.
function chunk(size: number, list: GoValue): GoValue {
  const all = items(list, 'chunk');
  const l = all.length;
  const count = Math.floor((l - 1) / size) + 1;
  if (!Number.isFinite(count) || count < 0) throw runtimeError('makeslice: len out of range');
  const chunks: GoSlice[] = [];
  for (let i = 0; i < count; i++) {
    let length = size;
    if (i === count - 1) length = Math.floor(l % size) || size;
    chunks.push(anyList(all.slice(i * size, i * size + length)));
  }
  return new GoSlice('[]interface {}', chunks);
}

// reflect.Value.Slice on the list; Go would allow an end up to the slice's capacity, which
// this port takes to be its length.
function slice(list: GoValue, indices: GoValue[]): GoValue {
  if (list === null || list === undefined) throw nilDereference();
  if (!(list instanceof GoSlice)) {
    throw new GoFuncError(`list should be type of slice or array but ${kindOf(list)}`);
  }
  const l = list.items.length;
  if (l === 0) return null;
  const start = indices.length > 0 ? Number(toInt64(indices[0] ?? null)) : 0;
  const end = indices.length < 2 ? l : Number(toInt64(indices[1] ?? null));
  if (start < 0 || end < start || end > l) {
    throw goPanic('reflect.Value.Slice: slice index out of bounds');
  }
  return new GoSlice(list.elem, list.items.slice(start, end));
}

function concat(lists: GoValue[]): GoValue {
  const out: GoValue[] = [];
  for (const list of lists) {
    if (list === null || list === undefined) throw nilDereference();
    if (!(list instanceof GoSlice)) throw goPanic(`Cannot concat type ${kindOf(list)} as list`);
    out.push(...list.items);
  }
  return out.length === 0 ? nilList() : anyList(out);
}

const contains = (haystack: GoValue[], needle: GoValue): boolean =>
  haystack.some((h) => deepEqual(needle, h));

function sortAlpha(list: GoValue): GoValue {
  if (!(list instanceof GoSlice)) return new GoSlice('string', [strval(list)]);
  return new GoSlice('string', [...strslice(list).items].sort((a, b) =>
    compareGoStrings(asString(a), asString(b)),
  ));
}

export const listFuncs: readonly GoFunc[] = [
  ...aliases(['list', 'tuple'], 'func(v ...interface{}) []interface{}', (...v) => anyList(v)),
  ...['append', 'push'].flatMap((name) =>
    listPair(name, 'func(list interface{}, v interface{}) []interface{}',
      'func(list interface{}, v interface{}) ([]interface{}, error)',
      (list, v = null) => anyList([...listItems(list, cannot('push on')), v])),
  ),
  ...listPair('prepend', 'func(list interface{}, v interface{}) []interface{}',
    'func(list interface{}, v interface{}) ([]interface{}, error)',
    (list, v = null) => anyList([v, ...listItems(list, cannot('prepend on'))])),
  ...listPair('chunk', 'func(size int, list interface{}) [][]interface{}',
    'func(size int, list interface{}) ([][]interface{}, error)',
    (size, list = null) => chunk(asInt(size), list)),
  ...listPair('first', 'func(list interface{}) interface{}',
    'func(list interface{}) (interface{}, error)',
    (list) => listItems(list, cannot('find first on'))[0] ?? null),
  ...listPair('last', 'func(list interface{}) interface{}',
    'func(list interface{}) (interface{}, error)',
    (list) => listItems(list, cannot('find last on')).at(-1) ?? null),
  ...listPair('rest', 'func(list interface{}) []interface{}',
    'func(list interface{}) ([]interface{}, error)',
    (list) => {
      const all = listItems(list, cannot('find rest on'));
      return all.length === 0 ? nilList() : anyList(all.slice(1));
    }),
  ...listPair('initial', 'func(list interface{}) []interface{}',
    'func(list interface{}) ([]interface{}, error)',
    (list) => {
      const all = listItems(list, cannot('find initial on'));
      return all.length === 0 ? nilList() : anyList(all.slice(0, -1));
    }),
  ...listPair('reverse', 'func(v interface{}) []interface{}',
    'func(v interface{}) ([]interface{}, error)',
    (list) => anyList([...items(list, 'find reverse on')].reverse())),
  ...listPair('compact', 'func(list interface{}) []interface{}',
    'func(list interface{}) ([]interface{}, error)',
    (list) => anyList(items(list, 'compact on').filter((x) => !isEmpty(x)))),
  ...listPair('uniq', 'func(list interface{}) []interface{}',
    'func(list interface{}) ([]interface{}, error)',
    (list) => {
      const out: GoValue[] = [];
      for (const x of items(list, 'find uniq on')) if (!contains(out, x)) out.push(x);
      return anyList(out);
    }),
  ...listPair('without', 'func(list interface{}, omit ...interface{}) []interface{}',
    'func(list interface{}, omit ...interface{}) ([]interface{}, error)',
    (list, ...omit) => anyList(items(list, 'find without on').filter((x) => !contains(omit, x)))),
  ...listPair('has', 'func(needle interface{}, haystack interface{}) bool',
    'func(needle interface{}, haystack interface{}) (bool, error)',
    (needle, haystack = null) =>
      haystack !== null && contains(items(haystack, 'find has on'), needle)),
  ...listPair('slice', 'func(list interface{}, indices ...interface{}) interface{}',
    'func(list interface{}, indices ...interface{}) (interface{}, error)',
    (list, ...indices) => slice(list, indices)),
  defineFunc('concat', 'func(lists ...interface{}) interface{}', (...lists) => concat(lists)),
  defineFunc('join', 'func(sep string, v interface{}) string', (sep, v) =>
    strslice(v).items.join(asString(sep))),
  defineFunc('sortAlpha', 'func(list interface{}) []string', sortAlpha),
];
