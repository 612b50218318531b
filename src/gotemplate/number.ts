// Number constants in templates: strconv's ParseUint/ParseInt/ParseFloat syntax (base
// prefixes, underscores, hex floats) and parse.NumberNode's rules for which of int, uint,
// float and complex a constant can be.
import { quote, unquoteChar } from './fmt/quote.js';

export interface NumberValue {
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  readonly int64: bigint;
  readonly uint64: bigint;
  readonly float64: number;
  readonly complex: { readonly re: number; readonly im: number };
}

const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** Go's rule for digit-separating underscores: each one between two digits (or prefix and digit). */
export function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1] ?? '')) {
    i = 2;
    saw = '0'; // base prefix counts as a digit for "underscore as digit separator"
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? '';
    if ((c >= '0' && c <= '9') || (hex && /^[a-fA-F]$/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, 0, 64); undefined on a syntax or range error. */
function parseUint(s: string): bigint | undefined {
  if (s === '') return undefined;
  const s0 = s;
  let base = 10;
  if (s[0] === '0') {
    const p = (s[1] ?? '').toLowerCase();
    const prefixed = s.length >= 3 && (p === 'b' || p === 'o' || p === 'x');
    base = !prefixed ? 8 : p === 'b' ? 2 : p === 'o' ? 8 : 16;
    s = prefixed ? s.slice(2) : s.slice(1);
  }
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const d = parseInt(c, 36);
    if (Number.isNaN(d) || d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
    if (n > MAX_UINT64) return undefined;
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  return n;
}

/** strconv.ParseInt(s, 0, 64). */
function parseInt64(s: string): bigint | undefined {
  if (s === '') return undefined;
  let neg = false;
  let body = s;
  if (s[0] === '+') body = s.slice(1);
  else if (s[0] === '-') {
    neg = true;
    body = s.slice(1);
  }
  const un = parseUint(body);
  if (un === undefined) return undefined;
  const n = neg ? -un : un;
  if (n < MIN_INT64 || n > MAX_INT64) return undefined;
  return n;
}

/** strconv.ParseFloat(s, 64), undefined on a syntax error or overflow. */
function parseFloat64(s: string): number | undefined {
  // Go's readFloat: sign, optional 0x, digits with one dot, then e (decimal) or p (hex,
  // required) exponent; underscores checked separately.
  const hex = /^[+-]?0[xX]./.test(s);
  const m = hex
    ? /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?(?:([pP])([+-]?[0-9][0-9_]*))?$/.exec(s)
    : /^([+-]?)([0-9_]*)(?:\.([0-9_]*))?(?:([eE])([+-]?[0-9][0-9_]*))?$/.exec(s);
  if (!m) return undefined;
  const [, sign = '', intPart = '', fracPart, expChar, expPart] = m;
  if (!/[0-9a-fA-F]/.test(intPart + (fracPart ?? ''))) return undefined;
  if (hex && expChar === undefined) return undefined; // hex floats need a p exponent
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  const clean = (x: string | undefined): string => (x ?? '').replaceAll('_', '');
  let v: number;
  if (hex) {
    const digits = clean(intPart) + clean(fracPart);
    const mant = BigInt('0x' + (digits || '0'));
    let exp = Number(clean(expPart)) - 4 * clean(fracPart).length;
    v = Number(mant);
    // Scale in steps so 2**exp itself never overflows or underflows.
    for (; exp > 1000; exp -= 1000) v *= 2 ** 1000;
    for (; exp < -1000; exp += 1000) v *= 2 ** -1000;
    v *= 2 ** exp;
  } else {
    v = Number(`${clean(intPart) || '0'}.${clean(fracPart) || '0'}e${clean(expPart) || '0'}`);
  }
  if (!Number.isFinite(v)) return undefined; // ErrRange
  return sign === '-' ? -v : v;
}

class NumberSyntaxError extends Error {}

/** parse.NumberNode's interpretation of a number, char or complex constant. */
export function parseNumber(text: string, kind: 'number' | 'charConstant' | 'complex'): NumberValue {
  const none = { isInt: false, isUint: false, isFloat: false, isComplex: false, int64: 0n, uint64: 0n, float64: 0, complex: { re: 0, im: 0 } };
  if (kind === 'charConstant') {
    const { value, tail } = unquoteChar(text.slice(1), text[0] ?? "'");
    if (tail !== "'") throw new NumberSyntaxError(`malformed character constant: ${text}`);
    const r = BigInt(value);
    return { ...none, isInt: true, int64: r, isUint: true, uint64: r, isFloat: true, float64: value };
  }
  if (kind === 'complex') return simplifyComplex({ ...none, isComplex: true, complex: scanComplex(text) });
  // Imaginary constants can only be complex unless they are zero.
  if (text.endsWith('i')) {
    const f = parseFloat64(text.slice(0, -1));
    if (f !== undefined) return simplifyComplex({ ...none, isComplex: true, complex: { re: 0, im: f } });
  }
  let n: NumberValue = none;
  const u = parseUint(text); // will fail for -0; fixed below.
  if (u !== undefined) n = { ...n, isUint: true, uint64: u };
  const i = parseInt64(text);
  if (i !== undefined) {
    n = { ...n, isInt: true, int64: i };
    if (i === 0n) n = { ...n, isUint: true, uint64: u ?? 0n }; // in case of -0.
  }
  // If an integer extraction succeeded, promote the float.
  if (n.isInt) return { ...n, isFloat: true, float64: Number(n.int64) };
  if (n.isUint) return { ...n, isFloat: true, float64: Number(n.uint64) };
  const f = parseFloat64(text);
  if (f !== undefined) {
    // If we parsed it as a float but it looks like an integer,
    // it's a huge number too large to fit in an int. Reject it.
    if (!/[.eEpP]/.test(text)) throw new NumberSyntaxError(`integer overflow: ${quote(text)}`);
    n = { ...n, isFloat: true, float64: f };
    // If a floating-point extraction succeeded, extract the int if needed.
    if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) n = { ...n, isInt: true, int64: BigInt(f) };
    if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) n = { ...n, isUint: true, uint64: BigInt(f) };
    return n;
  }
  throw new NumberSyntaxError(`illegal number syntax: ${quote(text)}`);
}

function simplifyComplex(n: NumberValue): NumberValue {
  const { re, im } = n.complex;
  if (im !== 0) return n;
  const isInt = Number.isInteger(re) && re >= -(2 ** 63) && re < 2 ** 63;
  const isUint = Number.isInteger(re) && re >= 0 && re < 2 ** 64;
  return {
    ...n,
    isFloat: true,
    float64: re,
    isInt,
    int64: isInt ? BigInt(re) : 0n,
    isUint,
    uint64: isUint ? BigInt(re) : 0n,
  };
}

/** fmt.Sscan of a complex128 as the lexer delimits it: real part, sign, imaginary part, i. */
function scanComplex(text: string): { re: number; im: number } {
  const m = /^([+-]?(?:[^+-]|(?<=[eEpP])[+-])+)([+-](?:[^+-]|(?<=[eEpP])[+-])+)i$/.exec(text);
  if (!m) throw new NumberSyntaxError('syntax error scanning complex number');
  const part = (s: string): number => {
    const v = parseFloat64(s);
    if (v === undefined) throw new NumberSyntaxError(`strconv.ParseFloat: parsing ${quote(s)}: invalid syntax`);
    return v;
  };
  return { re: part(m[1] ?? ''), im: part(m[2] ?? '') };
}
