// text/template's predefined functions (funcs.go). The ones Go declares over
// reflect.Value get the evaluator's raw values (boxed, nil or invalid) as Builtins; the
// others are ordinary GoFuncs.
import { eq, ge, gt, le, lt, ne } from './compare.js';
import { htmlEscape, jsEscape, urlQueryEscape } from './escape.js';
import { sprint, sprintf, sprintln } from './fmt/print.js';
import { utf8Bytes, utf8String } from './fmt/runes.js';
import { intOf, isIntType, isUintType, kindOf, makeInt } from './kind.js';
import { assignable, box, canBeNil, REFLECT_VALUE, unbox, zeroValue, type Val } from './types.js';
import { GoFunc, GoFuncError, GoMap, GoNumber, GoSlice, typeOf, type GoType, type GoValue } from './value.js';

/** A predefined function whose Go parameters are reflect.Values. */
export class Builtin {
  constructor(
    readonly name: string,
    readonly params: readonly GoType[],
    readonly variadic: boolean,
    readonly result: GoType,
    readonly fn: (...args: Val[]) => Val,
  ) {}
}

export type Callable = GoFunc | Builtin;

/** Go's truth: non-zero numbers, non-empty strings and containers, non-nil values, structs. */
export function isTrue(v: GoValue): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'interface':
      return false;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as GoSlice).items.length > 0;
    case 'map':
      return (v as GoMap).entries.size > 0;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'uint':
      return intOf(v) !== 0n;
    case 'float':
      return (v instanceof GoNumber ? v.value : v) !== 0;
    case 'complex': {
      const c = v as unknown as { re: number; im: number };
      return c.re !== 0 || c.im !== 0;
    }
  }
  return true; // funcs are non-nil; structs are always true
}

export function truth(v: Val): boolean {
  return isTrue(unbox(v));
}

/** Go's reflect panic when a builtin asks an invalid value for its type. */
const ZERO_VALUE_TYPE = 'reflect: call of reflect.Value.Type on zero Value';

function length(item: Val): Val {
  if (item === null) throw new GoFuncError('len of nil pointer');
  const v = unbox(item);
  if (v === undefined) throw new GoFuncError(ZERO_VALUE_TYPE);
  if (typeof v === 'string') return BigInt(utf8Bytes(v).length);
  if (v instanceof GoSlice) return BigInt(v.items.length);
  if (v instanceof GoMap) return BigInt(v.entries.size);
  throw new GoFuncError(`len of type ${typeOf(v)}`);
}

/** An index operand for a slice or string of the given length. */
function indexArg(index: GoValue, cap: number): number {
  const k = kindOf(index);
  if (k === 'invalid') throw new GoFuncError('cannot index slice/array with nil');
  if (k !== 'int' && k !== 'uint') throw new GoFuncError(`cannot index slice/array with type ${typeOf(index)}`);
  const x = intOf(index);
  if (x < 0n || x > BigInt(cap)) throw new GoFuncError(`index out of range: ${x}`);
  return Number(x);
}

/** index item i j...: item[i][j]...; missing map keys give the element type's zero value. */
function index(item0: Val, ...indexes: Val[]): Val {
  let item: Val = unbox(item0);
  if (item === undefined) throw new GoFuncError('index of untyped nil');
  for (const i of indexes) {
    const idx = unbox(i);
    if (item === null) throw new GoFuncError('index of nil pointer');
    const v: GoValue = unbox(item);
    if (typeof v === 'string') {
      const bytes = utf8Bytes(v);
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) throw new GoFuncError('reflect: string index out of range');
      item = new GoNumber('uint8', BigInt(bytes[x] ?? 0));
    } else if (v instanceof GoSlice) {
      const x = indexArg(idx, v.items.length);
      if (x === v.items.length) throw new GoFuncError('reflect: slice index out of range');
      item = box(v.elem, v.items[x]);
    } else if (v instanceof GoMap) {
      if (idx === undefined) throw new GoFuncError('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new GoFuncError(`value has type ${typeOf(idx)}; should be string`);
      item = v.entries.has(idx) ? box(v.elem, v.entries.get(idx)) : zeroValue(v.elem);
    } else throw new GoFuncError(`can't index item of type ${typeOf(v)}`);
  }
  return item;
}

/** slice item i j k: item[i:j:k], Go's slice expression; strings slice by bytes. */
function slice(item0: Val, ...indexes: Val[]): Val {
  const item = unbox(item0);
  if (item === undefined) throw new GoFuncError('slice of untyped nil');
  if (indexes.length > 3) throw new GoFuncError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Uint8Array | undefined;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new GoFuncError('cannot 3-index slice a string');
    bytes = utf8Bytes(item);
    len = bytes.length;
  } else if (item instanceof GoSlice) len = item.items.length;
  else throw new GoFuncError(`can't slice item of type ${typeOf(item)}`);
  const idx = [0, len, len];
  indexes.forEach((i, n) => {
    idx[n] = indexArg(unbox(i), len);
  });
  const [from = 0, to = len, max = len] = idx;
  if (from > to) throw new GoFuncError(`invalid slice index: ${from} > ${to}`);
  if (indexes.length === 3 && to > max) throw new GoFuncError(`invalid slice index: ${to} > ${max}`);
  if (bytes !== undefined) return utf8String(bytes.subarray(from, to));
  const s = item as GoSlice;
  return new GoSlice(s.elem, s.items.slice(from, to));
}

/** The argument a Go function receives for a parameter, for call (funcs.go prepareArg). */
function prepareArg(value: GoValue, argType: GoType): GoValue {
  if (value === undefined) {
    if (!canBeNil(argType)) throw new GoFuncError(`value is nil; should be of type ${argType}`);
    return zeroValue(argType);
  }
  if (assignable(typeOf(value), argType)) return value;
  const k = kindOf(value);
  if ((k === 'int' || k === 'uint') && (isIntType(argType) || isUintType(argType))) return makeInt(argType, intOf(value));
  throw new GoFuncError(`value has type ${typeOf(value)}; should be ${argType}`);
}

/**
 * call fn args...: the evaluator passes the callee's name (for messages) first. Runs the
 * GoFunc with Go's call-time argument checks; its result is boxed by its result type.
 */
export function callFunction(name: string, fn0: Val, args: Val[], invoke: (fn: GoFunc, args: GoValue[]) => Val): Val {
  const fn = unbox(fn0);
  if (fn === undefined) throw new GoFuncError('call of nil');
  if (!(fn instanceof GoFunc)) throw new GoFuncError(`non-function ${name} of type ${typeOf(fn)}`);
  const numIn = fn.params.length;
  if (fn.variadic) {
    if (args.length < numIn - 1) {
      throw new GoFuncError(`wrong number of args for ${name}: got ${args.length} want at least ${numIn - 1}`);
    }
  } else if (args.length !== numIn) {
    throw new GoFuncError(`wrong number of args for ${name}: got ${args.length} want ${numIn}`);
  }
  const argv = args.map((a, i) => {
    const argType = fn.params[Math.min(i, numIn - 1)] ?? 'interface {}';
    try {
      return prepareArg(unbox(a), argType);
    } catch (e) {
      if (e instanceof GoFuncError) throw new GoFuncError(`arg ${i}: ${e.message}`);
      throw e;
    }
  });
  return invoke(fn, argv);
}

function unreachable(): never {
  throw new Error('unreachable: implemented by the evaluator');
}

/** The value html/js/urlquery escape: a lone string, or all operands printed like print. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

const ANY = 'interface {}';
const RV = REFLECT_VALUE;

export const BUILTINS: ReadonlyMap<string, Callable> = new Map<string, Callable>([
  ['and', new Builtin('and', [RV, RV], true, RV, unreachable)],
  ['call', new Builtin('call', [RV, RV], true, RV, unreachable)],
  ['html', new GoFunc('html', [ANY], true, 'string', false, (...a) => htmlEscape(evalArgs(a)))],
  ['index', new Builtin('index', [RV, RV], true, RV, index)],
  ['slice', new Builtin('slice', [RV, RV], true, RV, slice)],
  ['js', new GoFunc('js', [ANY], true, 'string', false, (...a) => jsEscape(evalArgs(a)))],
  ['len', new Builtin('len', [RV], false, 'int', length)],
  ['not', new Builtin('not', [RV], false, 'bool', (a) => !truth(a))],
  ['or', new Builtin('or', [RV, RV], true, RV, unreachable)],
  ['print', new GoFunc('print', [ANY], true, 'string', false, (...a) => sprint(a))],
  ['printf', new GoFunc('printf', ['string', ANY], true, 'string', false, (f, ...a) => sprintf(f as string, a))],
  ['println', new GoFunc('println', [ANY], true, 'string', false, (...a) => sprintln(a))],
  ['urlquery', new GoFunc('urlquery', [ANY], true, 'string', false, (...a) => urlQueryEscape(evalArgs(a)))],
  ['eq', new Builtin('eq', [RV, RV], true, 'bool', (a, ...b) => eq(a, ...b))],
  ['ge', new Builtin('ge', [RV, RV], false, 'bool', ge)],
  ['gt', new Builtin('gt', [RV, RV], false, 'bool', gt)],
  ['le', new Builtin('le', [RV, RV], false, 'bool', le)],
  ['lt', new Builtin('lt', [RV, RV], false, 'bool', lt)],
  ['ne', new Builtin('ne', [RV, RV], false, 'bool', ne)],
]);
