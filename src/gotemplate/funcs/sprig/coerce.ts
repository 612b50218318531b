// How sprig turns arbitrary template values into numbers, strings and lists. The numeric rules
// are slim-sprig's own reflection-based ones (Masterminds sprig delegates to spf13/cast, which
// also reads "0x1f"/"017" prefixes; slim-sprig parses strings as plain base 10).
import { sprint } from '../../fmt.js';
import { GoNumber, GoSlice, isStruct, type GoValue } from '../../value.js';
import { parseFloat, parseInt } from '../go/strconv.js';
import { kindOf, nilDereference } from '../go/reflect.js';

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** Wraps a result to int64, as Go's two's-complement arithmetic does on overflow. */
const wrapInt64 = (n: bigint): bigint => BigInt.asIntN(64, n);

/** Go's float64 → int64 conversion on amd64: truncation, or MinInt64 when out of range. */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return MIN_INT64;
  return BigInt(Math.trunc(f));
}

/** sprig's toInt64: numbers convert, strings parse as base-10 integers, anything else is 0. */
export function toInt64(v: GoValue): bigint {
  if (typeof v === 'string') {
    const r = parseInt(v, 10, 64);
    return r.err ? 0n : r.value;
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return floatToInt64(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof GoNumber) {
    if (v.type === 'float32') return floatToInt64(Number(v.value));
    if (v.type === 'uintptr') return 0n;
    const n = BigInt(v.value);
    return n > MAX_INT64 ? MAX_INT64 : n;
  }
  return 0n;
}

/** sprig's toFloat64: numbers convert, strings parse as Go floats, anything else is 0. */
export function toFloat64(v: GoValue): number {
  if (typeof v === 'string') {
    const r = parseFloat(v);
    return r.err ? 0 : r.value;
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof GoNumber) return v.type === 'uintptr' ? 0 : Number(v.value);
  return 0;
}

/** The bytes of a []byte value as Go would hold them. */
function byteSliceText(v: GoSlice): string {
  return Buffer.from(v.items.map((b) => Number(b instanceof GoNumber ? b.value : 0))).toString();
}

/** sprig's strval: strings as they are, []byte as text, everything else as fmt's %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoSlice && v.elem === 'uint8') return byteSliceText(v);
  // time.Time is a fmt.Stringer, and %v prints a Stringer through String().
  if (isStruct(v)) return v.format();
  return sprint([v]);
}

/** sprig's strslice: a list of strings from a slice (nil items dropped) or a single value. */
export function strslice(v: GoValue): GoSlice {
  if (v instanceof GoSlice) {
    if (v.elem === 'string') return v;
    return new GoSlice(
      'string',
      v.items.filter((x) => x !== null && x !== undefined).map(strval),
    );
  }
  if (v === null || v === undefined) return new GoSlice('string', []);
  return new GoSlice('string', [strval(v)]);
}

/**
 * The items of a slice argument, for sprig's list functions, which start with
 * reflect.TypeOf(list).Kind(): a nil argument panics there, any other non-slice is an error
 * whose message names the kind.
 */
export function listItems(v: GoValue, error: (kind: string) => Error): GoValue[] {
  if (v === null || v === undefined) throw nilDereference();
  if (!(v instanceof GoSlice)) throw error(kindOf(v));
  return v.items;
}

/** A new []interface{} holding the given items. */
export const anyList = (items: GoValue[]): GoSlice => new GoSlice('interface {}', items);

/** An int64 result, as sprig's arithmetic declares. */
export const int64 = (n: bigint): GoNumber => new GoNumber('int64', wrapInt64(n));

