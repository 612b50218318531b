// Go values as the template engine holds them. Go's text/template is built on reflection,
// so a faithful port needs to know each value's Go type: an int prints differently from a
// float64, a missing key of a map[string]string indexes to "" but of a
// map[string]interface{} to nil. Types are spelled as Go spells them ('int', '[]string',
// 'map[string]interface {}'), which is also what %T and sprig's typeOf print.

/** A Go type, spelled as Go's reflect.Type.String() prints it. */
export type GoType = string;

export const ANY: GoType = 'interface {}';

/** Integer kinds other than int, and float32: rare, but %T and typeOf must tell them apart. */
export type NumericType =
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr'
  | 'float32';

/** A number of a kind other than int (bigint) and float64 (number). */
export class GoNumber {
  constructor(
    readonly type: NumericType,
    /** bigint for the integer kinds, number for float32. */
    readonly value: bigint | number,
  ) {}
}

/** A Go slice. Items are held by reference, like a Go slice's backing array. */
export class GoSlice {
  constructor(
    readonly elem: GoType,
    readonly items: GoValue[],
  ) {}
  get type(): GoType {
    return `[]${this.elem}`;
  }
}

/** A Go map with string keys (the only keys templates and sprig produce). A reference type. */
export class GoMap {
  constructor(
    readonly elem: GoType,
    readonly entries: Map<string, GoValue>,
  ) {}
  get type(): GoType {
    return `map[string]${this.elem}`;
  }
}

/**
 * A nil slice (the zero value of a slice type). It reads, ranges and prints (%v) like an
 * empty slice, but %#v, encoding/json and comparisons with nil tell it apart.
 */
export class NilSlice extends GoSlice {
  constructor(elem: GoType) {
    super(elem, []);
  }
}

/** A nil map: reads as empty; assigning to it panics; %#v, JSON and eq see nil. */
export class NilMap extends GoMap {
  constructor(elem: GoType) {
    super(elem, new Map());
  }
}

/** Thrown by a GoFunc to return a non-nil error as its last result. */
export class GoFuncError extends Error {}

/**
 * A Go function callable from a template. `params` are the declared parameter types (for a
 * variadic function the last is the element type), so the evaluator can apply Go's
 * argument conversions and arity errors. `fn` throws GoFuncError for an error result.
 */
export class GoFunc {
  constructor(
    readonly name: string,
    readonly params: readonly GoType[],
    readonly variadic: boolean,
    readonly result: GoType,
    readonly canError: boolean,
    readonly fn: (...args: GoValue[]) => GoValue,
  ) {}
  get type(): GoType {
    const params = this.params.map((p, i) =>
      this.variadic && i === this.params.length - 1 ? `...${p}` : p,
    );
    const result = this.canError ? `(${this.result}, error)` : this.result;
    return `func(${params.join(', ')}) ${result}`;
  }
}

/**
 * A Go struct value (time.Time, url parts...). Fields and methods are looked up by name,
 * as the evaluator does for `.Field` and `.Method args`.
 */
export interface GoStruct {
  readonly type: GoType;
  field(name: string): GoValue | undefined;
  method(name: string): GoFunc | undefined;
  /** What fmt's %v prints for it. */
  format(): string;
}

/**
 * Every value a template can hold. `undefined` is Go's invalid reflect.Value (a missing map
 * key through a field chain): it prints as "<no value>". `null` is a nil interface.
 */
export type GoValue =
  | string
  | bigint
  | number
  | boolean
  | null
  | undefined
  | GoNumber
  | GoSlice
  | GoMap
  | GoFunc
  | GoStruct;

export function isStruct(v: GoValue): v is GoStruct {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof GoNumber) &&
    !(v instanceof GoSlice) &&
    !(v instanceof GoMap) &&
    !(v instanceof GoFunc)
  );
}

/** The Go type of a value, as %T prints it. */
export function typeOf(v: GoValue): GoType {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return '<nil>';
  }
  if (v === null) return '<nil>';
  return v.type;
}

/** The template data debos passes: the `-t` variables as a map[string]string. */
export function templateData(vars: ReadonlyMap<string, string> | Record<string, string>): GoMap {
  const entries = vars instanceof Map ? vars : new Map(Object.entries(vars));
  return new GoMap('string', new Map(entries));
}
