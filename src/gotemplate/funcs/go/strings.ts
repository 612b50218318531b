// Go's strings package where it differs from JavaScript's string methods: Go strings are UTF-8
// bytes (lengths and slice indices count bytes), Go splits and replaces per rune rather than per
// UTF-16 unit, and Go's case mapping is Unicode's simple (one rune to one rune) mapping.
import { utf8Length } from '../../fmt/runes.js';
import { goPanic, runtimeError } from './reflect.js';


/**
 * s[start:end] in Go, by byte offsets. A cut inside a multi-byte character yields bytes that a
 * JavaScript string cannot hold; they decode to U+FFFD.
 */
export function sliceBytes(s: string, start: number, end?: number): string {
  const bytes = Buffer.from(s, 'utf8');
  const stop = end ?? bytes.length;
  if (stop < 0) throw runtimeError(`slice bounds out of range [:${stop}]`);
  if (stop > bytes.length) {
    throw runtimeError(`slice bounds out of range [:${stop}] with length ${bytes.length}`);
  }
  if (start < 0) throw runtimeError(`slice bounds out of range [${start}:]`);
  if (start > stop) throw runtimeError(`slice bounds out of range [${start}:${stop}]`);
  return bytes.subarray(start, stop).toString('utf8');
}

const whiteSpace = /^\p{White_Space}$/u;

/** unicode.IsSpace. */
export const isSpace = (c: string): boolean => whiteSpace.test(c);

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const runes = [...s];
  let start = 0;
  let end = runes.length;
  while (start < end && isSpace(runes[start] ?? '')) start++;
  while (end > start && isSpace(runes[end - 1] ?? '')) end--;
  return runes.slice(start, end).join('');
}

/** strings.Trim: drops leading and trailing runes that occur in cutset. */
export function trimCutset(s: string, cutset: string): string {
  const cut = new Set(cutset);
  const runes = [...s];
  let start = 0;
  let end = runes.length;
  while (start < end && cut.has(runes[start] ?? '')) start++;
  while (end > start && cut.has(runes[end - 1] ?? '')) end--;
  return runes.slice(start, end).join('');
}

/** strings.Replace(s, old, new, -1): an empty old inserts new before each rune and at the end. */
export function replaceAll(s: string, old: string, replacement: string): string {
  if (old !== '') return s.split(old).join(replacement);
  return replacement + [...s].map((r) => r + replacement).join('');
}

/** strings.SplitN; n < 0 means no limit, and an empty separator splits into runes. */
export function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const runes = [...s];
    if (n < 0 || n > runes.length) n = runes.length;
    if (n === 0) return [];
    return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** strings.Repeat, with its panics. */
export function repeat(s: string, count: number): string {
  if (count < 0) throw goPanic('strings: negative Repeat count');
  const length = utf8Length(s) * count;
  if (length > Number.MAX_SAFE_INTEGER) throw goPanic('strings: Repeat output length overflow');
  // Go would try to allocate it; a JavaScript string cannot be that long.
  if (length > 1 << 28) throw goPanic(`strings: Repeat output of ${length} bytes is too long`);
  return s.repeat(count);
}

// Greek letters with ypogegrammeni: JavaScript's full mapping expands them to two letters,
// Unicode's simple mapping moves them to their titlecase form.
function greekSimpleUpper(r: number): number | undefined {
  if ((r >= 0x1f80 && r <= 0x1f87) || (r >= 0x1f90 && r <= 0x1f97) || (r >= 0x1fa0 && r <= 0x1fa7)) {
    return r + 8;
  }
  if (r === 0x1fb3 || r === 0x1fc3 || r === 0x1ff3) return r + 9;
  return undefined;
}

/** unicode.ToUpper for one rune. */
function upperRune(c: string): string {
  const full = c.toUpperCase();
  if ([...full].length === 1) return full;
  const greek = greekSimpleUpper(c.codePointAt(0) ?? 0);
  return greek === undefined ? c : String.fromCodePoint(greek);
}

/** unicode.ToLower for one rune (only U+0130 lowers to more than one rune in full mapping). */
function lowerRune(c: string): string {
  return [...c.toLowerCase()][0] ?? c;
}

// Titlecase differs from uppercase for the Latin digraphs (DŽ/Dž/dž → Dž) and for Georgian
// Mkhedruli, whose titlecase is itself.
const digraphTitle: Record<number, number> = {
  0x1c4: 0x1c5, 0x1c5: 0x1c5, 0x1c6: 0x1c5,
  0x1c7: 0x1c8, 0x1c8: 0x1c8, 0x1c9: 0x1c8,
  0x1ca: 0x1cb, 0x1cb: 0x1cb, 0x1cc: 0x1cb,
  0x1f1: 0x1f2, 0x1f2: 0x1f2, 0x1f3: 0x1f2,
};

/** unicode.ToTitle for one rune. */
function titleRune(c: string): string {
  const r = c.codePointAt(0) ?? 0;
  const digraph = digraphTitle[r];
  if (digraph !== undefined) return String.fromCodePoint(digraph);
  if ((r >= 0x10d0 && r <= 0x10fa) || (r >= 0x10fd && r <= 0x10ff)) return c;
  return upperRune(c);
}

export const toUpper = (s: string): string => [...s].map(upperRune).join('');
export const toLower = (s: string): string => [...s].map(lowerRune).join('');

const letterOrDigit = /^[\p{L}\p{Nd}]$/u;

// strings.Title's word boundary test.
function isSeparator(c: string): boolean {
  if (c <= '\x7f') return !/^[0-9A-Za-z_]$/.test(c);
  if (letterOrDigit.test(c)) return false;
  return isSpace(c);
}

/** strings.Title: titlecases the first letter of each word. */
export function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const c of s) {
    out += isSeparator(prev) ? titleRune(c) : c;
    prev = c;
  }
  return out;
}
