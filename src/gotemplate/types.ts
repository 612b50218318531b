// Go's static typing as the evaluator needs it: which values a parameter type accepts
// (AssignableTo), which types can be nil, their zero values, and the interface{} boxing
// of values read out of map[string]interface{} or []interface{} containers.
import { GoComplex } from './complex.js';
import { makeInt } from './kind.js';
import { GoNumber, NilMap, NilSlice, typeOf, type GoType, type GoValue } from './value.js';

/** The parameter type of builtins that take reflect.Value: any value, even an invalid one. */
export const REFLECT_VALUE: GoType = 'reflect.Value';

/**
 * A non-nil value whose static type is an interface: an element of a map[string]interface{}
 * or []interface{}, or the result of a func returning interface{}. Go reports such values'
 * type as "interface {}" until a pipeline unwraps them. (A nil interface is plain null.)
 */
export class Boxed {
  constructor(readonly inner: Exclude<GoValue, null | undefined>) {}
}

/** A value as the evaluator holds it: a GoValue, or one still boxed in an interface. */
export type Val = GoValue | Boxed;

export function isInterfaceType(t: GoType): boolean {
  return t === 'interface {}' || t === 'any' || t.startsWith('interface {');
}

/** Puts a container element or func result into its static type's box. */
export function box(staticType: GoType, v: GoValue): Val {
  if (!isInterfaceType(staticType)) return v;
  if (v === undefined) return null;
  if (v === null) return null;
  return new Boxed(v);
}

/** reflect's indirectInterface: the value inside an interface; a nil one is invalid. */
export function unbox(v: Val): GoValue {
  if (v instanceof Boxed) return v.inner;
  if (v === null) return undefined;
  return v;
}

/** The static type: "interface {}" for boxed and nil interface values. */
export function valueType(v: Val): GoType {
  if (v instanceof Boxed || v === null) return 'interface {}';
  return typeOf(v);
}

export function assignable(from: GoType, to: GoType): boolean {
  return from === to || isInterfaceType(to);
}

export function canBeNil(t: GoType): boolean {
  return (
    t === REFLECT_VALUE ||
    isInterfaceType(t) ||
    t.startsWith('[]') ||
    t.startsWith('map[') ||
    t.startsWith('func(') ||
    t.startsWith('*') ||
    t.startsWith('chan ')
  );
}

/** reflect.Zero(t): what a missing map element or a nil argument becomes. */
export function zeroValue(t: GoType): GoValue {
  if (t === REFLECT_VALUE) return undefined;
  if (isInterfaceType(t)) return null;
  if (t.startsWith('[]')) return new NilSlice(t.slice(2));
  if (t.startsWith('map[string]')) return new NilMap(t.slice('map[string]'.length));
  switch (t) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
      return 0n;
    case 'float64':
      return 0;
    case 'float32':
      return new GoNumber('float32', 0);
    case 'complex128':
    case 'complex64':
      return new GoComplex(0, 0);
  }
  if (/^u?int(8|16|32|64)?$|^uintptr$/.test(t)) return makeInt(t, 0n);
  return null;
}
