// strconv's quoting and unquoting: Quote, QuoteToASCII, QuoteRune, CanBackquote, Unquote
// and UnquoteChar. Unquoting works on UTF-8 bytes, as Go does, so "\xc3\xa9" is "é".
import { isPrint, runes, runeString, utf8Bytes, utf8String, validRune, RUNE_ERROR } from './runes.js';

const lowerhex = '0123456789abcdef';

function escapedRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCharCode(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCharCode(r);
  } else if (isPrint(r)) return runeString(r);
  switch (r) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (!validRune(r)) r = RUNE_ERROR;
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

function hex(r: number, width: number): string {
  let s = '';
  for (let shift = (width - 1) * 4; shift >= 0; shift -= 4) s += lowerhex[(r >>> shift) & 0xf];
  return s;
}

function quoteWith(s: string, quote: number, asciiOnly: boolean): string {
  const q = String.fromCharCode(quote);
  let out = q;
  for (const r of runes(s)) out += escapedRune(r, quote, asciiOnly);
  return out + q;
}

/** strconv.Quote. */
export function quote(s: string): string {
  return quoteWith(s, 0x22, false);
}

/** strconv.QuoteToASCII. */
export function quoteToASCII(s: string): string {
  return quoteWith(s, 0x22, true);
}

/** strconv.QuoteRune (invalid runes quote as U+FFFD). */
export function quoteRune(r: number, asciiOnly = false): string {
  return "'" + escapedRune(validRune(r) ? r : RUNE_ERROR, 0x27, asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const r of runes(s)) {
    if (r === 0xfeff) return false;
    if (r >= 0x80) continue;
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

/** Go's strconv.ErrSyntax. */
export class SyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

function unhex(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

function decodeRune(b: Uint8Array, i: number): { rune: number; size: number } {
  const s = utf8String(b.subarray(i, Math.min(b.length, i + 4)));
  const r = s.codePointAt(0) ?? RUNE_ERROR;
  const size = r === RUNE_ERROR ? 1 : utf8Bytes(String.fromCodePoint(r)).length;
  return { rune: r, size };
}

interface UnquotedChar {
  readonly value: number;
  readonly multibyte: boolean;
  /** Index of the first byte after the character. */
  readonly next: number;
}

/** strconv.UnquoteChar over bytes starting at i. Throws SyntaxError. */
function unquoteCharAt(s: Uint8Array, i: number, quoteByte: number): UnquotedChar {
  const c = s[i];
  if (c === undefined) throw new SyntaxError();
  if (c === quoteByte && (quoteByte === 0x27 || quoteByte === 0x22)) throw new SyntaxError();
  if (c >= 0x80) {
    const { rune, size } = decodeRune(s, i);
    return { value: rune, multibyte: true, next: i + size };
  }
  if (c !== 0x5c) return { value: c, multibyte: false, next: i + 1 };
  const e = s[i + 1];
  if (e === undefined) throw new SyntaxError();
  let j = i + 2;
  const simple: Record<number, number> = {
    0x61: 7, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11, 0x5c: 0x5c,
  };
  const mapped = simple[e];
  if (mapped !== undefined) return { value: mapped, multibyte: false, next: j };
  switch (e) {
    case 0x78: // x
    case 0x75: // u
    case 0x55: {
      // U
      const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
      if (s.length - j < n) throw new SyntaxError();
      let v = 0;
      for (let k = 0; k < n; k++) {
        const x = unhex(s[j + k] ?? 0);
        if (x < 0) throw new SyntaxError();
        v = v * 16 + x;
      }
      j += n;
      if (e === 0x78) return { value: v, multibyte: false, next: j };
      if (!validRune(v)) throw new SyntaxError();
      return { value: v, multibyte: true, next: j };
    }
    case 0x27:
    case 0x22:
      if (e !== quoteByte) throw new SyntaxError();
      return { value: e, multibyte: false, next: j };
  }
  if (e >= 0x30 && e <= 0x37) {
    let v = e - 0x30;
    if (s.length - j < 2) throw new SyntaxError();
    for (let k = 0; k < 2; k++) {
      const x = (s[j + k] ?? 0) - 0x30;
      if (x < 0 || x > 7) throw new SyntaxError();
      v = (v << 3) | x;
    }
    if (v > 255) throw new SyntaxError();
    return { value: v, multibyte: false, next: j + 2 };
  }
  throw new SyntaxError();
}

/**
 * strconv.UnquoteChar(s, quote) for a template character constant: the rune and what
 * follows it. Throws SyntaxError.
 */
export function unquoteChar(s: string, quoteChar: string): { value: number; tail: string } {
  const bytes = utf8Bytes(s);
  const r = unquoteCharAt(bytes, 0, quoteChar.charCodeAt(0));
  return { value: r.value, tail: utf8String(bytes.subarray(r.next)) };
}

/** strconv.Unquote for "..." and `...` (the string tokens of templates). Throws SyntaxError. */
export function unquote(s: string): string {
  if (s.length < 2) throw new SyntaxError();
  const q = s[0];
  if (q === '`') {
    if (s[s.length - 1] !== '`' || s.indexOf('`', 1) !== s.length - 1) throw new SyntaxError();
    return s.slice(1, -1).replaceAll('\r', '');
  }
  if (q !== '"') throw new SyntaxError();
  const b = utf8Bytes(s);
  const quoteByte = b[0] ?? 0;
  const out: number[] = [];
  let i = 1;
  while (i < b.length && b[i] !== quoteByte) {
    if (b[i] === 0x0a) throw new SyntaxError();
    const r = unquoteCharAt(b, i, quoteByte);
    i = r.next;
    if (r.value < 0x80 || !r.multibyte) out.push(r.value & 0xff);
    else out.push(...utf8Bytes(runeString(r.value)));
  }
  if (b[i] !== quoteByte || i + 1 !== b.length) throw new SyntaxError();
  return utf8String(Uint8Array.from(out));
}
