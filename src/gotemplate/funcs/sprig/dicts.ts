// sprig's dictionary functions over map[string]interface{}. Maps are references: set and
// unset change the map they are given (and return it), the others build new values. Go
// iterates maps in random order, so keys and values come back in insertion order here.
import { GoMap, GoSlice, NilMap, type GoFunc, type GoValue } from '../../value.js';
import { asString, defineFunc } from '../define.js';
import { goPanic, typeAssertionError } from '../go/reflect.js';
import { anyList, strval } from './coerce.js';

const DICT = 'map[string]interface {}';

/** A map argument; a nil map reads as empty. */
const entries = (d: GoValue): Map<string, GoValue> =>
  d instanceof GoMap ? d.entries : new Map<string, GoValue>();

const newDict = (from: Iterable<[string, GoValue]> = []): GoMap =>
  new GoMap('interface {}', new Map(from));

function dict(args: GoValue[]): GoMap {
  const out = newDict();
  for (let i = 0; i < args.length; i += 2) {
    out.entries.set(strval(args[i] ?? null), i + 1 < args.length ? (args[i + 1] ?? null) : '');
  }
  return out;
}

function asDict(v: GoValue): GoMap {
  if (v instanceof GoMap && v.type === DICT) return v;
  throw typeAssertionError(v, DICT);
}

// dig "a" "b" default $dict: walks nested dicts, giving default at the first missing key.
function dig(args: GoValue[]): GoValue {
  if (args.length < 3) throw goPanic('dig needs at least three arguments');
  let current = asDict(args.at(-1) ?? null);
  const fallback = args.at(-2) ?? null;
  const path = args.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw typeAssertionError(k, 'string');
    return k;
  });
  for (const [i, key] of path.entries()) {
    if (!current.entries.has(key)) return fallback;
    const step = current.entries.get(key) ?? null;
    if (i === path.length - 1) return step;
    current = asDict(step);
  }
  return fallback;
}

export const dictFuncs: readonly GoFunc[] = [
  defineFunc('dict', 'func(v ...interface{}) map[string]interface{}', (...v) => dict(v)),
  defineFunc('get', 'func(d map[string]interface{}, key string) interface{}', (d, key) => {
    const m = entries(d);
    return m.has(asString(key)) ? (m.get(asString(key)) ?? null) : '';
  }),
  defineFunc('set', 'func(d map[string]interface{}, key string, value interface{}) map[string]interface{}',
    (d, key, value = null) => {
      if (!(d instanceof GoMap) || d instanceof NilMap) throw goPanic('assignment to entry in nil map');
      d.entries.set(asString(key), value);
      return d;
    }),
  defineFunc('unset', 'func(d map[string]interface{}, key string) map[string]interface{}', (d, key) => {
    if (!(d instanceof GoMap)) return new NilMap('interface {}');
    d.entries.delete(asString(key));
    return d;
  }),
  defineFunc('hasKey', 'func(d map[string]interface{}, key string) bool', (d, key) =>
    entries(d).has(asString(key)),
  ),
  defineFunc('pluck', 'func(key string, d ...map[string]interface{}) []interface{}', (key, ...ds) =>
    anyList(ds.map(entries).filter((m) => m.has(asString(key))).map((m) => m.get(asString(key)) ?? null)),
  ),
  defineFunc('keys', 'func(dicts ...map[string]interface{}) []string', (...ds) =>
    new GoSlice('string', ds.flatMap((d) => [...entries(d).keys()])),
  ),
  defineFunc('pick', 'func(dict map[string]interface{}, keys ...string) map[string]interface{}',
    (d, ...keys) => {
      const m = entries(d);
      return newDict(keys.map(asString).filter((k) => m.has(k)).map((k) => [k, m.get(k) ?? null]));
    }),
  defineFunc('omit', 'func(dict map[string]interface{}, keys ...string) map[string]interface{}',
    (d, ...keys) => {
      const drop = new Set(keys.map(asString));
      return newDict([...entries(d)].filter(([k]) => !drop.has(k)));
    }),
  defineFunc('values', 'func(dict map[string]interface{}) []interface{}', (d) =>
    anyList([...entries(d).values()]),
  ),
  defineFunc('dig', 'func(ps ...interface{}) (interface{}, error)', (...ps) => dig(ps)),
];
