// The parts of Go's strconv that sprig's conversions and error messages depend on. JavaScript's
// Number() and parseInt() accept other syntaxes ("0x10", " 5", "Infinity") and never report
// overflow, so the Go rules are written out here.
import { underscoreOK } from '../../number.js';

export type NumError = 'syntax' | 'range' | null;

export interface ParsedInt {
  readonly value: bigint;
  readonly err: NumError;
}

export interface ParsedFloat {
  readonly value: number;
  readonly err: NumError;
}

const lower = (c: string): string => c.toLowerCase();

/** strconv.ParseUint. Base 0 reads a 0b/0o/0x/0 prefix and allows underscores. */
export function parseUint(s: string, base: number, bitSize: number): ParsedInt {
  if (s === '') return { value: 0n, err: 'syntax' };
  const base0 = base === 0;
  const s0 = s;
  if (base0) {
    base = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? lower(s[1] ?? '') : '';
      const prefixed = ({ b: 2, o: 8, x: 16 } as Record<string, number>)[p];
      base = prefixed ?? 8;
      s = s.slice(prefixed === undefined ? 1 : 2);
    }
  }
  const maxVal = (1n << BigInt(bitSize)) - 1n;
  const big = BigInt(base);
  let underscores = false;
  let n = 0n;
  for (const c of s) {
    if (c === '_' && base0) {
      underscores = true;
      continue;
    }
    const d = digitValue(c);
    if (d === undefined || d >= base) return { value: 0n, err: 'syntax' };
    n = n * big + BigInt(d);
    if (n > maxVal) return { value: maxVal, err: 'range' };
  }
  if (underscores && !underscoreOK(s0)) return { value: 0n, err: 'syntax' };
  return { value: n, err: null };
}

/** strconv.ParseInt: on overflow the value is clamped and err is 'range'. */
export function parseInt(s: string, base: number, bitSize: number): ParsedInt {
  if (s === '') return { value: 0n, err: 'syntax' };
  const neg = s[0] === '-';
  const digits = s[0] === '+' || neg ? s.slice(1) : s;
  const un = parseUint(digits, base, bitSize);
  if (un.err === 'syntax') return un;
  const cutoff = 1n << BigInt(bitSize - 1);
  if (!neg && un.value >= cutoff) return { value: cutoff - 1n, err: 'range' };
  if (neg && un.value > cutoff) return { value: -cutoff, err: 'range' };
  return { value: neg ? -un.value : un.value, err: un.err };
}

function digitValue(c: string): number | undefined {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  const l = lower(c);
  if (c.length === 1 && l >= 'a' && l <= 'z') return l.charCodeAt(0) - 87;
  return undefined;
}


/** strconv.ParseFloat(s, 64). */
export function parseFloat(s: string): ParsedFloat {
  const special = /^([+-]?)(inf|infinity)$/i.exec(s);
  if (special) return { value: special[1] === '-' ? -Infinity : Infinity, err: null };
  if (/^nan$/i.test(s)) return { value: NaN, err: null };
  const dec = /^[+-]?(?=[0-9_]*\.?[0-9_]*[0-9])[0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9][0-9_]*)?$/;
  const hex = /^([+-]?)0[xX]((?=[0-9a-fA-F_]*\.?[0-9a-fA-F_]*[0-9a-fA-F])[0-9a-fA-F_]*(?:\.[0-9a-fA-F_]*)?)[pP]([+-]?[0-9][0-9_]*)$/;
  let value: number;
  if (dec.test(s)) {
    if (s.includes('_') && !underscoreOK(s)) return { value: 0, err: 'syntax' };
    value = Number(s.replaceAll('_', ''));
  } else {
    const m = hex.exec(s);
    if (!m || (s.includes('_') && !underscoreOK(s))) return { value: 0, err: 'syntax' };
    value = hexFloat(m[1] === '-', (m[2] ?? '').replaceAll('_', ''), (m[3] ?? '').replaceAll('_', ''));
  }
  return { value, err: Number.isFinite(value) ? null : 'range' };
}

function hexFloat(neg: boolean, mantissa: string, exponent: string): number {
  const [whole = '', frac = ''] = mantissa.split('.');
  const bits = BigInt(`0x${whole}${frac}`);
  const exp = Number(exponent) - 4 * frac.length;
  // Scale in two steps so that neither factor overflows before the product is known.
  const half = Math.trunc(exp / 2);
  const value = Number(bits) * 2 ** half * 2 ** (exp - half);
  return neg ? -value : value;
}
