// Go strings are UTF-8 bytes and Go's text functions work on runes (code points); ours are
// UTF-16. These helpers give Go's view of a JS string: byte lengths, rune counts and the
// unicode package's character classes.

export const RUNE_ERROR = 0xfffd;
export const MAX_RUNE = 0x10ffff;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Bytes back to a string; invalid sequences become U+FFFD, as Go's JSON encoding shows them. */
export function utf8String(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The rune at a UTF-16 index: lone surrogates read as U+FFFD, like invalid UTF-8 in Go. */
export function runeAt(s: string, i: number): { rune: number; width: number } {
  const c = s.codePointAt(i);
  if (c === undefined) return { rune: -1, width: 0 };
  if (c >= 0xd800 && c <= 0xdfff) return { rune: RUNE_ERROR, width: 1 };
  return { rune: c, width: c > 0xffff ? 2 : 1 };
}

/** The runes of a string, lone surrogates replaced. */
export function runes(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    const { rune, width } = runeAt(s, i);
    out.push(rune);
    i += width;
  }
  return out;
}

/** utf8.AppendRune: invalid runes (surrogates, out of range) encode as U+FFFD. */
export function runeString(r: number): string {
  if (r < 0 || r > MAX_RUNE || (r >= 0xd800 && r <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(r);
}

export function validRune(r: number): boolean {
  return r >= 0 && r <= MAX_RUNE && !(r >= 0xd800 && r <= 0xdfff);
}

const printRe = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const letterRe = /^\p{L}$/u;
const digitRe = /^\p{Nd}$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (!validRune(r)) return false;
  return printRe.test(String.fromCodePoint(r));
}

export function isLetter(r: number): boolean {
  if (r < 0x80) return (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  return validRune(r) && letterRe.test(String.fromCodePoint(r));
}

export function isDigit(r: number): boolean {
  if (r < 0x80) return r >= 0x30 && r <= 0x39;
  return validRune(r) && digitRe.test(String.fromCodePoint(r));
}

/** Go's string ordering (bytewise UTF-8), which is code point order. */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP character in UTF-8.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
