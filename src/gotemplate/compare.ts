// The comparison builtins eq, ne, lt, le, gt, ge: Go's basic-kind rules (ints and uints
// compare across signedness, anything else only within its kind) and their errors.
import { GoComplex } from './complex.js';
import { sprintf } from './fmt/print.js';
import { compareGoStrings } from './fmt/runes.js';
import { floatOf, intOf, kindOf } from './kind.js';
import { unbox, type Val } from './types.js';
import { GoFunc, GoFuncError, GoMap, GoSlice, NilMap, NilSlice, typeOf, type GoValue } from './value.js';

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

const BAD_COMPARISON_TYPE = 'invalid type for comparison';
const BAD_COMPARISON = 'incompatible types for comparison';
const NO_COMPARISON = 'missing argument for comparison';

function basicKind(v: GoValue): BasicKind {
  const k = kindOf(v);
  switch (k) {
    case 'bool':
    case 'int':
    case 'uint':
    case 'float':
    case 'complex':
    case 'string':
      return k;
  }
  return 'invalid';
}

function isNil(v: GoValue): boolean {
  return v === undefined || v === null || v instanceof NilSlice || v instanceof NilMap;
}

function comparable(v: GoValue): boolean {
  return !(v instanceof GoSlice || v instanceof GoMap || v instanceof GoFunc);
}

function structEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return typeOf(a) === typeOf(b) && 'format' in a && 'format' in b && a.format() === b.format();
}

/** eq arg1 arg2...: whether arg1 equals any of the others. */
export function eq(a1: Val, ...rest: Val[]): boolean {
  const arg1 = unbox(a1);
  if (rest.length === 0) throw new GoFuncError(NO_COMPARISON);
  const k1 = basicKind(arg1);
  for (const a of rest) {
    const arg = unbox(a);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      // Special case: Can compare integer values regardless of type's sign.
      if (k1 === 'int' && k2 === 'uint') truth = intOf(arg1) >= 0n && intOf(arg1) === intOf(arg);
      else if (k1 === 'uint' && k2 === 'int') truth = intOf(arg) >= 0n && intOf(arg1) === intOf(arg);
      else if (arg1 !== undefined && arg !== undefined) throw new GoFuncError(BAD_COMPARISON);
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
          truth = arg1 === arg;
          break;
        case 'complex': {
          const [x, y] = [arg1 as GoComplex, arg as GoComplex];
          truth = x.re === y.re && x.im === y.im;
          break;
        }
        case 'float':
          truth = floatOf(arg1) === floatOf(arg);
          break;
        case 'int':
        case 'uint':
          truth = intOf(arg1) === intOf(arg);
          break;
        default:
          if (!(kindOf(arg1) === kindOf(arg) || arg1 === undefined || arg === undefined)) {
            throw new GoFuncError(
              sprintf('non-comparable types %s: %v, %s: %v', [arg1, typeOf(arg1), typeOf(arg), arg]),
            );
          }
          if (isNil(arg1) || isNil(arg)) truth = isNil(arg) === isNil(arg1);
          else if (!comparable(arg)) throw new GoFuncError(sprintf('non-comparable type %s: %v', [arg, typeOf(arg)]));
          else truth = structEqual(arg1, arg);
      }
    }
    if (truth) return true;
  }
  return false;
}

export function ne(a: Val, b: Val): boolean {
  return !eq(a, b);
}

export function lt(a1: Val, a2: Val): boolean {
  const arg1 = unbox(a1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new GoFuncError(BAD_COMPARISON_TYPE);
  const arg2 = unbox(a2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new GoFuncError(BAD_COMPARISON_TYPE);
  if (k1 !== k2) {
    // Special case: Can compare integer values regardless of type's sign.
    if (k1 === 'int' && k2 === 'uint') return intOf(arg1) < 0n || intOf(arg1) < intOf(arg2);
    if (k1 === 'uint' && k2 === 'int') return intOf(arg2) >= 0n && intOf(arg1) < intOf(arg2);
    throw new GoFuncError(BAD_COMPARISON);
  }
  switch (k1) {
    case 'bool':
    case 'complex':
      throw new GoFuncError(BAD_COMPARISON_TYPE);
    case 'float':
      return floatOf(arg1) < floatOf(arg2);
    case 'int':
    case 'uint':
      return intOf(arg1) < intOf(arg2);
    default:
      return compareGoStrings(arg1 as string, arg2 as string) < 0;
  }
}

export function le(a: Val, b: Val): boolean {
  return lt(a, b) || eq(a, b);
}

export function gt(a: Val, b: Val): boolean {
  return !le(a, b);
}

export function ge(a: Val, b: Val): boolean {
  return !lt(a, b);
}
