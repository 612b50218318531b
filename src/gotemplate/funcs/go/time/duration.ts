// time.Duration (int64 nanoseconds): String, ParseDuration and Round, as Go writes them.

const NANOSECOND = 1n;
const MICROSECOND = 1000n;
const MILLISECOND = 1000000n;
export const SECOND = 1000000000n;
export const MINUTE = 60n * SECOND;
export const HOUR = 60n * MINUTE;

const MAX = (1n << 63n) - 1n;
const MIN = -(1n << 63n);

/** Duration.String: "1h2m3.5s", "1.5ms", "0s". */
export function durationString(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SECOND) {
    if (u === 0n) return '0s';
    const [unit, prec] =
      u < MICROSECOND ? ['ns', 0] : u < MILLISECOND ? ['µs', 3] : ['ms', 6];
    const [frac, whole] = fraction(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [frac, whole] = fraction(u, 9);
    u = whole;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      // Hours are the largest unit: days differ in length.
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

// The last prec digits of v as a fraction without trailing zeros, and what is left of v.
function fraction(v: bigint, prec: number): [string, bigint] {
  const scale = 10n ** BigInt(prec);
  const digits = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  return [digits === '' ? '' : `.${digits}`, v / scale];
}

const UNITS: Record<string, bigint> = {
  ns: NANOSECOND,
  us: MICROSECOND,
  'µs': MICROSECOND, // U+00B5 micro sign
  'μs': MICROSECOND, // U+03BC Greek mu
  ms: MILLISECOND,
  s: SECOND,
  m: MINUTE,
  h: HOUR,
};

/** Quotes a value the way the time package does in its errors: non-ASCII bytes as \xNN. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    if (c >= '\x80' || c < ' ') {
      for (const b of Buffer.from(c, 'utf8')) out += `\\x${b.toString(16).padStart(2, '0')}`;
    } else out += c === '"' || c === '\\' ? `\\${c}` : c;
  }
  return `${out}"`;
}

export type ParsedDuration = { readonly value: bigint } | { readonly error: string };

/** time.ParseDuration: "1h30m", "-1.5s", "300ms". */
export function parseDuration(orig: string): ParsedDuration {
  const invalid = { error: `time: invalid duration ${timeQuote(orig)}` };
  let s = orig;
  const neg = s.startsWith('-');
  if (neg || s.startsWith('+')) s = s.slice(1);
  if (s === '0') return { value: 0n };
  if (s === '') return invalid;
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const [all = '', intPart = '', fracPart] = m ?? [];
    if (!/^[0-9.]/.test(s) || (intPart === '' && (fracPart ?? '') === '')) return invalid;
    const v = BigInt(intPart === '' ? '0' : intPart);
    if (v > 1n << 63n) return invalid;
    s = s.slice(all.length);
    const unitEnd = s.search(/[0-9.]/);
    const u = unitEnd < 0 ? s : s.slice(0, unitEnd);
    if (u === '') return { error: `time: missing unit in duration ${timeQuote(orig)}` };
    s = s.slice(u.length);
    const unit = UNITS[u];
    if (unit === undefined) {
      return { error: `time: unknown unit ${timeQuote(u)} in duration ${timeQuote(orig)}` };
    }
    if (v > (1n << 63n) / unit) return invalid;
    let part = v * unit;
    if (fracPart) {
      // Go keeps at most the digits that fit in an int64 and scales with float64.
      const kept = leadingFraction(fracPart);
      part += BigInt(Math.trunc(Number(kept.value) * (Number(unit) / kept.scale)));
      if (part > 1n << 63n) return invalid;
    }
    total += part;
    if (total > 1n << 63n) return invalid;
  }
  if (neg) return { value: -total };
  if (total > MAX) return invalid;
  return { value: total };
}

function leadingFraction(digits: string): { value: bigint; scale: number } {
  let value = 0n;
  let scale = 1;
  for (const c of digits) {
    const next = value * 10n + BigInt(c);
    if (value > MAX / 10n || next > 1n << 63n) break;
    value = next;
    scale *= 10;
  }
  return { value, scale };
}

/** Duration.Round: to the nearest multiple of m, halves away from zero, saturating. */
export function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  const lessThanHalf = (x: bigint): boolean => x + x < m;
  if (d < 0n) {
    r = -r;
    if (lessThanHalf(r)) return d + r;
    const d1 = d - m + r;
    return d1 < MIN ? MIN : d1;
  }
  if (lessThanHalf(r)) return d - r;
  const d1 = d + m - r;
  return d1 > MAX ? MAX : d1;
}
