// sprig's emptiness rules and the functions built on them (default, empty, coalesce, all,
// any) plus ternary.
import { GoComplex } from '../../complex.js';
import { GoMap, GoNumber, GoSlice, type GoFunc, type GoValue } from '../../value.js';
import { asBool, defineFunc } from '../define.js';

/**
 * sprig's empty: nil, zero numbers (complex too), false, and empty strings, slices and maps are empty;
 * structs (time.Time) and functions never are.
 */
export function isEmpty(v: GoValue): boolean {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case 'string':
      return v.length === 0;
    case 'bigint':
      return v === 0n;
    case 'number':
      return v === 0;
    case 'boolean':
      return !v;
  }
  if (v instanceof GoNumber) return v.value === 0 || v.value === 0n;
  if (v instanceof GoSlice) return v.items.length === 0;
  if (v instanceof GoMap) return v.entries.size === 0;
  if (v instanceof GoComplex) return v.re === 0 && v.im === 0;
  return false;
}

export const defaultFuncs: readonly GoFunc[] = [
  defineFunc('default', 'func(d interface{}, given ...interface{}) interface{}', (d, ...given) =>
    given.length === 0 || isEmpty(given[0]) ? d : (given[0] ?? null),
  ),
  defineFunc('empty', 'func(given interface{}) bool', isEmpty),
  defineFunc('coalesce', 'func(v ...interface{}) interface{}', (...v) =>
    v.find((x) => !isEmpty(x)) ?? null,
  ),
  defineFunc('all', 'func(v ...interface{}) bool', (...v) => v.every((x) => !isEmpty(x))),
  defineFunc('any', 'func(v ...interface{}) bool', (...v) => v.some((x) => !isEmpty(x))),
  defineFunc('ternary', 'func(vt interface{}, vf interface{}, v bool) interface{}', (vt, vf, v) =>
    asBool(v) ? vt : vf,
  ),
];
