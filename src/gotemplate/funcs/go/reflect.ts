// The reflection facts sprig's functions decide on (a value's kind, nil-ness, deep equality)
// and the panics Go raises along the way. text/template turns a panicking function call into
// "error calling NAME: <panic value>", so a panic becomes a GoFuncError with Go's exact text.
import { GoComplex } from '../../complex.js';
import {
  GoFunc,
  GoFuncError,
  GoMap,
  GoNumber,
  GoSlice,
  isStruct,
  NilMap,
  NilSlice,
  typeOf,
  type GoType,
  type GoValue,
} from '../../value.js';

/** reflect.Kind's name for a value; "invalid" for nil. */
export function kindOf(v: GoValue): string {
  if (v === null || v === undefined) return 'invalid';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
  }
  if (v instanceof GoNumber) return v.type;
  if (v instanceof GoSlice) return 'slice';
  if (v instanceof GoMap) return 'map';
  if (v instanceof GoFunc) return 'func';
  if (v instanceof GoComplex) return v.type;
  return 'struct';
}

/** A panic that text/template reports as the function's error. */
export function goPanic(message: string): GoFuncError {
  return new GoFuncError(message);
}

/** A runtime.Error panic (index out of range, nil dereference...). */
export function runtimeError(message: string): GoFuncError {
  return goPanic(`runtime error: ${message}`);
}

/** What reflect.TypeOf(nil).Kind() raises: sprig's list functions hit it on a nil argument. */
export function nilDereference(): GoFuncError {
  return runtimeError('invalid memory address or nil pointer dereference');
}

/** The panic of a failed type assertion v.(T) on an interface{} value. */
export function typeAssertionError(v: GoValue, asserted: GoType): GoFuncError {
  const concrete = v === null || v === undefined ? 'nil' : typeOf(v);
  return goPanic(`interface conversion: interface {} is ${concrete}, not ${asserted}`);
}

/** reflect.DeepEqual. Structs (time.Time) compare by type and printed form. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null || b === null) return a === b;
  if (typeOf(a) !== typeOf(b)) return false;
  if (a instanceof GoNumber && b instanceof GoNumber) return a.value === b.value;
  if (a instanceof GoSlice && b instanceof GoSlice) {
    if (a instanceof NilSlice !== b instanceof NilSlice) return false;
    return a.items.length === b.items.length && a.items.every((x, i) => deepEqual(x, b.items[i]));
  }
  if (a instanceof GoMap && b instanceof GoMap) {
    if (a instanceof NilMap !== b instanceof NilMap) return false;
    if (a.entries.size !== b.entries.size) return false;
    for (const [k, v] of a.entries) {
      if (!b.entries.has(k) || !deepEqual(v, b.entries.get(k))) return false;
    }
    return true;
  }
  // Go's DeepEqual treats two non-nil funcs as unequal.
  if (a instanceof GoFunc) return false;
  if (isStruct(a) && isStruct(b)) return a.format() === b.format();
  return a === b;
}
