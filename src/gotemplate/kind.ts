// reflect.Kind for GoValues: the evaluator, fmt and the comparison builtins all branch on
// the kind of a value rather than on its exact type, as Go's reflection-based code does.
import { GoComplex } from './complex.js';
import { GoFunc, GoMap, GoNumber, GoSlice, type GoValue } from './value.js';

export type Kind =
  | 'invalid'
  | 'bool'
  | 'int'
  | 'uint'
  | 'float'
  | 'complex'
  | 'string'
  | 'slice'
  | 'map'
  | 'func'
  | 'struct'
  /** A nil interface{} (null): the only interface value that is not unwrapped. */
  | 'interface';

export function kindOf(v: GoValue): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
  }
  if (v === null) return 'interface';
  if (v instanceof GoNumber) {
    if (v.type === 'float32') return 'float';
    return v.type.startsWith('u') ? 'uint' : 'int';
  }
  if (v instanceof GoSlice) return 'slice';
  if (v instanceof GoMap) return 'map';
  if (v instanceof GoFunc) return 'func';
  if (v instanceof GoComplex) return 'complex';
  return 'struct';
}

/** The integer value of an int or uint kind. */
export function intOf(v: GoValue): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoNumber && typeof v.value === 'bigint') return v.value;
  throw new TypeError('not an integer');
}

/** The value of a float kind. */
export function floatOf(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoNumber && typeof v.value === 'number') return v.value;
  throw new TypeError('not a float');
}

/** The bit size of a float kind. */
export function floatSize(v: GoValue): 32 | 64 {
  return v instanceof GoNumber && v.type === 'float32' ? 32 : 64;
}

const bitsOf: Record<string, number> = {
  int8: 8, int16: 16, int32: 32, int64: 64, int: 64,
  uint8: 8, uint16: 16, uint32: 32, uint64: 64, uint: 64, uintptr: 64,
};

/** Converts an integer to an integer type, wrapping like Go's conversions and SetInt. */
export function makeInt(type: string, n: bigint): GoValue {
  const bits = bitsOf[type] ?? 64;
  if (type === 'int') return BigInt.asIntN(64, n);
  const v = type.startsWith('u') ? BigInt.asUintN(bits, n) : BigInt.asIntN(bits, n);
  return new GoNumber(type as ConstructorParameters<typeof GoNumber>[0], v);
}

export function isIntType(t: string): boolean {
  return t in bitsOf && !t.startsWith('u');
}

export function isUintType(t: string): boolean {
  return t in bitsOf && t.startsWith('u');
}
