// The formatting half of Go's fmt (format.go): flags, width, precision, padding, and the
// primitive formatters for integers, floats, strings, runes and booleans.
import { formatFloat } from './float.js';
import { canBackquote, quote, quoteRune, quoteToASCII } from './quote.js';
import { isPrint, MAX_RUNE, RUNE_ERROR, runeCount, runeString, utf8Bytes } from './runes.js';

export const LDIGITS = '0123456789abcdefx';
export const UDIGITS = '0123456789ABCDEFX';

export interface FmtFlags {
  widPresent: boolean;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  /** %+v and %#v: set instead of plus/sharp when the verb is v. */
  plusV: boolean;
  sharpV: boolean;
}

/** Go's fmt struct: formatting state and the output buffer it appends to. */
export class Fmt implements FmtFlags {
  buf = '';
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;

  clearFlags(): void {
    this.widPresent = this.precPresent = this.minus = this.plus = this.sharp = false;
    this.space = this.zero = this.plusV = this.sharpV = false;
    this.wid = 0;
    this.prec = 0;
  }

  saveFlags(): FmtFlags & { wid: number; prec: number } {
    const { widPresent, precPresent, minus, plus, sharp, space, zero, plusV, sharpV, wid, prec } = this;
    return { widPresent, precPresent, minus, plus, sharp, space, zero, plusV, sharpV, wid, prec };
  }

  restoreFlags(f: FmtFlags & { wid: number; prec: number }): void {
    Object.assign(this, f);
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero && !this.minus ? '0' : ' ').repeat(n);
  }

  /** Appends s padded to the width (counted in runes). */
  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  /** %U: "U+0078", or "U+0078 'x'" with #. u is a uint64. */
  fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let digits = u.toString(16).toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    let s = 'U+' + digits;
    if (this.sharp && u <= BigInt(MAX_RUNE) && isPrint(Number(u))) s += " '" + runeString(Number(u)) + "'";
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  /** Integers. v is the value itself (negative only when isSigned). */
  fmtInteger(v: bigint, base: number, isSigned: boolean, verb: string, digits: string): void {
    const negative = isSigned && v < 0n;
    let u = negative ? -v : v;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      // Precision 0 and value 0 means "print nothing but padding".
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      // Zero padding is allowed only to the left.
      prec = this.wid;
      if (negative || this.plus || this.space) prec--; // leave room for sign
    }

    let s = '';
    const b = BigInt(base);
    while (u >= b) {
      s = (digits[Number(u % b)] ?? '') + s;
      u /= b;
    }
    s = (digits[Number(u)] ?? '') + s;
    if (prec > s.length) s = '0'.repeat(prec - s.length) + s;

    if (this.sharp) {
      if (base === 2) s = '0b' + s;
      else if (base === 8) {
        if (s[0] !== '0') s = '0' + s;
      } else if (base === 16) s = '0' + (digits[16] ?? 'x') + s;
    }
    if (verb === 'O') s = '0o' + s;

    if (negative) s = '-' + s;
    else if (this.plus) s = '+' + s;
    else if (this.space) s = ' ' + s;

    // Left padding with zeros has already been handled like precision earlier
    // or the "-" flag is set and zero padding is not allowed.
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  /** Truncates s to the precision, counted in runes. */
  truncateString(s: string): string {
    if (!this.precPresent) return s;
    let n = this.prec;
    let i = 0;
    for (const ch of s) {
      n--;
      if (n < 0) return s.slice(0, i);
      i += ch.length;
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  /** %x and %X of a string or byte slice: hex of the bytes, with # and space flags. */
  fmtSbx(bytes: Uint8Array, digits: string): void {
    let length = bytes.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    const x = digits[16] ?? 'x';
    let s = this.sharp ? '0' + x : '';
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        s += ' ';
        if (this.sharp) s += '0' + x;
      }
      const c = bytes[i] ?? 0;
      s += (digits[c >> 4] ?? '') + (digits[c & 0xf] ?? '');
    }
    this.buf += s;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtSx(s: string, digits: string): void {
    this.fmtSbx(utf8Bytes(s), digits);
  }

  /** %q of a string: Go quoting, backquotes with #, ASCII only with +. */
  fmtQ(s: string): void {
    s = this.truncateString(s);
    if (this.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(this.plus ? quoteToASCII(s) : quote(s));
  }

  /** %c of an integer (a uint64). */
  fmtC(c: bigint): void {
    this.pad(runeString(c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c)));
  }

  /** %q of an integer: a quoted rune. */
  fmtQc(c: bigint): void {
    const r = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c);
    this.pad(quoteRune(r, this.plus));
  }

  /** Floats: strconv formatting plus fmt's sign, padding and # handling. */
  fmtFloat(v: number, size: 32 | 64, verb: string, prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb, prec, size);
    if (num[0] !== '-' && num[0] !== '+') num = '+' + num;
    // f.space means to add a leading space instead of a "+" sign unless f.plus is used.
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    // Infinities and NaN don't look like a number, so they aren't padded with zeros.
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    // The sharp flag forces printing a decimal point but removes
    // trailing zeros for %e, %f with the sharp flag.
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const c = num[i];
        if (c === '.') hasDecimalPoint = true;
        else if (c === 'p' || c === 'P') {
          tail = num.slice(i);
          num = num.slice(0, i);
        } else if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') {
          tail = num.slice(i);
          num = num.slice(0, i);
        } else {
          if (c !== '0') sawNonzeroDigit = true;
          if (sawNonzeroDigit) digits--;
        }
      }
      if (!hasDecimalPoint) {
        // Leading digit 0 should contribute once to digits.
        if (num.length === 2 && num[1] === '0') digits--;
        num += '.';
      }
      while (digits > 0) {
        num += '0';
        digits--;
      }
      num += tail;
    }
    // We want a sign if asked for and if the sign is not positive.
    if (this.plus || num[0] !== '+') {
      // If we're zero padding to the left we want the sign before the leading zeros.
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    // No sign to show and the number is positive; just print the unsigned number.
    this.pad(num.slice(1));
  }
}
