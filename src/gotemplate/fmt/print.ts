// The printing half of Go's fmt (print.go): Sprint, Sprintln and Sprintf over GoValues,
// with Go's verb dispatch per kind, %!verb(type=value) errors and argument indexes.
import { GoComplex } from '../complex.js';
import { floatOf, floatSize, intOf, kindOf } from '../kind.js';
import { GoFunc, GoMap, GoNumber, GoSlice, isStruct, NilMap, NilSlice, typeOf, type GoStruct, type GoValue } from '../value.js';
import { Fmt, LDIGITS, UDIGITS } from './format.js';
import { compareGoStrings, utf8String } from './runes.js';

const NO_VALUE = Symbol('no value');

/** Stable fake addresses for %p and %v of funcs: Go prints real ones, which no test can match. */
const addresses = new WeakMap<object, bigint>();
let nextAddress = 0xc000010000n;
function addressOf(v: object): bigint {
  if (v instanceof NilSlice || v instanceof NilMap) return 0n;
  let a = addresses.get(v);
  if (a === undefined) {
    a = nextAddress;
    nextAddress += 0x30n;
    addresses.set(v, a);
  }
  return a;
}

function isNilish(v: GoValue): v is null | undefined {
  return v === null || v === undefined;
}

class Printer {
  readonly fmt = new Fmt();
  /** The operand being printed (p.arg) or the value inside a container (p.value). */
  private arg: GoValue | typeof NO_VALUE = NO_VALUE;
  private value: GoValue | typeof NO_VALUE = NO_VALUE;
  private erroring = false;
  private reordered = false;
  private goodArgNum = true;

  get out(): string {
    return this.fmt.buf;
  }

  private write(s: string): void {
    this.fmt.buf += s;
  }

  private badVerb(verb: string): void {
    this.erroring = true;
    this.write('%!' + verb + '(');
    if (this.arg !== NO_VALUE && !isNilish(this.arg)) {
      const arg = this.arg;
      this.write(typeOf(arg) + '=');
      this.printArg(arg, 'v');
    } else if (this.value !== NO_VALUE && !isNilish(this.value)) {
      const value = this.value;
      this.write(typeOf(value) + '=');
      this.printValue(value, 'v', 0);
    } else this.write('<nil>');
    this.write(')');
    this.erroring = false;
  }

  private fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.fmt.fmtBoolean(v);
    else this.badVerb(verb);
  }

  /** fmt0x64: hex with (or without) a leading 0x, whatever the flags say. */
  private fmt0x64(v: bigint, leading0x: boolean): void {
    const sharp = this.fmt.sharp;
    this.fmt.sharp = leading0x;
    this.fmt.fmtInteger(v, 16, false, 'v', LDIGITS);
    this.fmt.sharp = sharp;
  }

  private fmtInteger(v: bigint, isSigned: boolean, verb: string): void {
    const f = this.fmt;
    switch (verb) {
      case 'v':
        if (f.sharpV && !isSigned) this.fmt0x64(v, true);
        else f.fmtInteger(v, 10, isSigned, verb, LDIGITS);
        return;
      case 'd':
        return f.fmtInteger(v, 10, isSigned, verb, LDIGITS);
      case 'b':
        return f.fmtInteger(v, 2, isSigned, verb, LDIGITS);
      case 'o':
      case 'O':
        return f.fmtInteger(v, 8, isSigned, verb, LDIGITS);
      case 'x':
        return f.fmtInteger(v, 16, isSigned, verb, LDIGITS);
      case 'X':
        return f.fmtInteger(v, 16, isSigned, verb, UDIGITS);
      case 'c':
        return f.fmtC(BigInt.asUintN(64, v));
      case 'q':
        return f.fmtQc(BigInt.asUintN(64, v));
      case 'U':
        return f.fmtUnicode(BigInt.asUintN(64, v));
    }
    this.badVerb(verb);
  }

  private fmtFloat(v: number, size: 32 | 64, verb: string): void {
    const f = this.fmt;
    switch (verb) {
      case 'v':
        return f.fmtFloat(v, size, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return f.fmtFloat(v, size, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return f.fmtFloat(v, size, verb, 6);
      case 'F':
        return f.fmtFloat(v, size, 'f', 6);
    }
    this.badVerb(verb);
  }

  private fmtComplex(v: GoComplex, verb: string): void {
    if (!'vbgGxXfFeE'.includes(verb)) {
      this.badVerb(verb);
      return;
    }
    const oldPlus = this.fmt.plus;
    this.write('(');
    this.fmtFloat(v.re, 64, verb);
    // Imaginary part always has a sign.
    this.fmt.plus = true;
    this.fmtFloat(v.im, 64, verb);
    this.write('i)');
    this.fmt.plus = oldPlus;
  }

  private fmtString(v: string, verb: string): void {
    const f = this.fmt;
    switch (verb) {
      case 'v':
        if (f.sharpV) f.fmtQ(v);
        else f.fmtS(v);
        return;
      case 's':
        return f.fmtS(v);
      case 'x':
        return f.fmtSx(v, LDIGITS);
      case 'X':
        return f.fmtSx(v, UDIGITS);
      case 'q':
        return f.fmtQ(v);
    }
    this.badVerb(verb);
  }

  private fmtBytes(v: Uint8Array, verb: string, typeString: string, isNil = false): void {
    const f = this.fmt;
    switch (verb) {
      case 'v':
      case 'd':
        if (f.sharpV) {
          if (isNil) {
            this.write(typeString + '(nil)');
            return;
          }
          this.write(typeString + '{');
          v.forEach((c, i) => {
            if (i > 0) this.write(', ');
            this.fmt0x64(BigInt(c), true);
          });
          this.write('}');
        } else {
          this.write('[');
          v.forEach((c, i) => {
            if (i > 0) this.write(' ');
            f.fmtInteger(BigInt(c), 10, false, verb, LDIGITS);
          });
          this.write(']');
        }
        return;
      case 's':
        return f.pad(f.truncateString(utf8String(v)));
      case 'x':
        return f.fmtSbx(v, LDIGITS);
      case 'X':
        return f.fmtSbx(v, UDIGITS);
      case 'q':
        return f.fmtQ(utf8String(v));
    }
    this.printValue(byteSlice(v), verb, 0);
  }

  private fmtPointer(v: GoFunc | GoMap | GoSlice, verb: string): void {
    const u = addressOf(v);
    switch (verb) {
      case 'v':
        if (this.fmt.sharpV) {
          this.write('(' + v.type + ')(');
          this.fmt0x64(u, true);
          this.write(')');
        } else this.fmt0x64(u, !this.fmt.sharp);
        return;
      case 'p':
        return this.fmt0x64(u, !this.fmt.sharp);
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        return this.fmtInteger(u, false, verb);
    }
    this.badVerb(verb);
  }

  /** Stringer-like formatting of structs: GoStruct.format() is their String(). */
  private handleMethods(verb: string): boolean {
    if (this.erroring) return false;
    // %w only wraps errors in fmt.Errorf; Sprintf rejects it for any operand.
    if (verb === 'w') {
      this.badVerb(verb);
      return true;
    }
    const arg = this.arg;
    if (arg === NO_VALUE || !isStruct(arg) || arg instanceof GoComplex) return false;
    if (this.fmt.sharpV) {
      this.fmt.fmtS(arg.format());
      return true;
    }
    if ('vsxXq'.includes(verb)) {
      this.fmtString(arg.format(), verb);
      return true;
    }
    return false;
  }

  printArg(arg: GoValue, verb: string): void {
    this.arg = arg;
    this.value = NO_VALUE;
    if (isNilish(arg)) {
      if (verb === 'T' || verb === 'v') this.fmt.pad('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (verb === 'T') {
      this.fmt.fmtS(typeOf(arg));
      return;
    }
    if (verb === 'p') {
      if (arg instanceof GoFunc || arg instanceof GoMap || arg instanceof GoSlice) this.fmtPointer(arg, 'p');
      else this.badVerb('p');
      return;
    }
    if (arg instanceof GoSlice && arg.elem === 'uint8') {
      this.fmtBytes(bytesOf(arg), verb, '[]byte', arg instanceof NilSlice);
      return;
    }
    if (this.printBasic(arg, verb)) return;
    if (!this.handleMethods(verb)) this.printValue(arg, verb, 0);
  }

  /** Booleans, numbers and strings; false for everything else. */
  private printBasic(v: GoValue, verb: string): boolean {
    switch (kindOf(v)) {
      case 'bool':
        this.fmtBool(v as boolean, verb);
        return true;
      case 'int':
        this.fmtInteger(intOf(v), true, verb);
        return true;
      case 'uint':
        this.fmtInteger(intOf(v), false, verb);
        return true;
      case 'float':
        this.fmtFloat(floatOf(v), floatSize(v), verb);
        return true;
      case 'complex':
        this.fmtComplex(v as GoComplex, verb);
        return true;
      case 'string':
        this.fmtString(v as string, verb);
        return true;
    }
    return false;
  }

  /** Prints a value found inside another (depth > 0) or one without methods. */
  printValue(value: GoValue, verb: string, depth: number): void {
    if (depth > 0 && value !== undefined && value !== null) {
      this.arg = value;
      if (this.handleMethods(verb)) return;
    }
    this.arg = NO_VALUE;
    this.value = value;
    const f = this.fmt;
    if (value === undefined) {
      if (depth === 0) this.write('<invalid reflect.Value>');
      else if (verb === 'v') this.write('<nil>');
      else this.badVerb(verb);
      return;
    }
    if (value === null) {
      // A nil interface inside a container.
      this.write(f.sharpV ? 'interface {}(nil)' : '<nil>');
      return;
    }
    if (this.printBasic(value, verb)) return;
    if (value instanceof GoMap) {
      if (f.sharpV && value instanceof NilMap) {
        this.write(value.type + '(nil)');
        return;
      }
      if (f.sharpV) this.write(value.type + '{');
      else this.write('map[');
      const keys = [...value.entries.keys()].sort(compareGoStrings);
      keys.forEach((k, i) => {
        if (i > 0) this.write(f.sharpV ? ', ' : ' ');
        this.printValue(k, verb, depth + 1);
        this.write(':');
        this.printValue(value.entries.get(k), verb, depth + 1);
      });
      this.write(f.sharpV ? '}' : ']');
      return;
    }
    if (value instanceof GoSlice) {
      if (value.elem === 'uint8' && 'sqxX'.includes(verb)) {
        this.fmtBytes(bytesOf(value), verb, value.type);
        return;
      }
      if (f.sharpV && value instanceof NilSlice) {
        this.write(value.type + '(nil)');
        return;
      }
      if (f.sharpV) {
        this.write(value.type + '{');
        value.items.forEach((item, i) => {
          if (i > 0) this.write(', ');
          this.printValue(item, verb, depth + 1);
        });
        this.write('}');
      } else {
        this.write('[');
        value.items.forEach((item, i) => {
          if (i > 0) this.write(' ');
          this.printValue(item, verb, depth + 1);
        });
        this.write(']');
      }
      return;
    }
    if (value instanceof GoFunc) {
      this.fmtPointer(value, verb);
      return;
    }
    // A struct whose String() did not apply (a verb like %d): Go would print its fields,
    // which a GoStruct does not expose; its %v form is the closest.
    this.write((value as GoStruct).format());
  }

  doPrint(args: readonly GoValue[]): void {
    let prevString = false;
    args.forEach((arg, i) => {
      const isString = typeof arg === 'string';
      // Add a space between two non-string arguments.
      if (i > 0 && !isString && !prevString) this.write(' ');
      this.printArg(arg, 'v');
      prevString = isString;
    });
  }

  doPrintln(args: readonly GoValue[]): void {
    args.forEach((arg, i) => {
      if (i > 0) this.write(' ');
      this.printArg(arg, 'v');
    });
    this.write('\n');
  }

  doPrintf(format: string, a: readonly GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    this.reordered = false;
    const f = this.fmt;
    formatLoop: for (let i = 0; i < end; ) {
      this.goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.write(format.slice(lasti, i));
      if (i >= end) break;
      i++; // skip %
      f.clearFlags();
      simpleFormat: for (; i < end; i++) {
        const c = format[i] ?? '';
        switch (c) {
          case '#':
            f.sharp = true;
            break;
          case '0':
            f.zero = true;
            break;
          case '+':
            f.plus = true;
            break;
          case '-':
            f.minus = true;
            break;
          case ' ':
            f.space = true;
            break;
          default:
            // Fast path for common case of ascii lower case simple verbs without
            // precision or width or argument indices.
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v' || c === 'w') {
                f.sharpV = f.sharp;
                f.sharp = false;
                f.plusV = f.plus;
                f.plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simpleFormat;
        }
      }

      // Do we have an explicit argument index?
      [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);

      if (i < end && format[i] === '*') {
        i++;
        [f.wid, f.widPresent, argNum] = intFromArg(a, argNum);
        if (!f.widPresent) this.write('%!(BADWIDTH)');
        // We have a negative width, so take its value and ensure that the minus flag is set.
        if (f.wid < 0) {
          f.wid = -f.wid;
          f.minus = true;
          f.zero = false; // Do not pad with zeros to the right.
        }
        afterIndex = false;
      } else {
        [f.wid, f.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && f.widPresent) this.goodArgNum = false; // "%[3]2d"
      }

      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) this.goodArgNum = false; // "%[3].2d"
        [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);
        if (i < end && format[i] === '*') {
          i++;
          [f.prec, f.precPresent, argNum] = intFromArg(a, argNum);
          // Negative precision arguments don't make sense.
          if (f.prec < 0) {
            f.prec = 0;
            f.precPresent = false;
          }
          if (!f.precPresent) this.write('%!(BADPREC)');
          afterIndex = false;
        } else {
          [f.prec, f.precPresent, i] = parsenum(format, i, end);
          if (!f.precPresent) {
            f.prec = 0;
            f.precPresent = true;
          }
        }
      }

      if (!afterIndex) [argNum, i, afterIndex] = this.argNumber(argNum, format, i, a.length);

      if (i >= end) {
        this.write('%!(NOVERB)');
        break;
      }

      const cp = format.codePointAt(i) ?? 0;
      const verb = String.fromCodePoint(cp);
      i += verb.length;

      if (verb === '%') {
        // Percent does not absorb operands and ignores f.wid and f.prec.
        this.write('%');
      } else if (!this.goodArgNum) {
        this.write('%!' + verb + '(BADINDEX)');
      } else if (argNum >= a.length) {
        this.write('%!' + verb + '(MISSING)');
      } else {
        if (verb === 'v' || verb === 'w') {
          f.sharpV = f.sharp;
          f.sharp = false;
          f.plusV = f.plus;
          f.plus = false;
        }
        this.printArg(a[argNum], verb);
        argNum++;
      }
    }

    // Check for extra arguments unless the call accessed the arguments out of order.
    if (!this.reordered && argNum < a.length) {
      f.clearFlags();
      this.write('%!(EXTRA ');
      a.slice(argNum).forEach((arg, i) => {
        if (i > 0) this.write(', ');
        if (isNilish(arg)) this.write('<nil>');
        else {
          this.write(typeOf(arg) + '=');
          this.printArg(arg, 'v');
        }
      });
      this.write(')');
    }
  }

  private argNumber(argNum: number, format: string, i: number, numArgs: number): [number, number, boolean] {
    if (format.length <= i || format[i] !== '[') return [argNum, i, false];
    this.reordered = true;
    const [index, wid, ok] = parseArgNumber(format.slice(i));
    if (ok && 0 <= index && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }
}

function tooLarge(x: number): boolean {
  return x > 1e6 || x < -1e6;
}

/** Parses a decimal number at s[start:end]: [num, isnum, newi]. */
function parsenum(s: string, start: number, end: number): [number, boolean, number] {
  if (start >= end) return [0, false, end];
  let num = 0;
  let isnum = false;
  let newi = start;
  for (; newi < end && s[newi]! >= '0' && s[newi]! <= '9'; newi++) {
    if (tooLarge(num)) return [0, false, end]; // Overflow; crazy long number most likely.
    num = num * 10 + (s.charCodeAt(newi) - 48);
    isnum = true;
  }
  return [num, isnum, newi];
}

/** Parses "[n]" at the start of s: [index (0-based), length consumed, ok]. */
function parseArgNumber(s: string): [number, number, boolean] {
  // There must be at least 3 bytes: [n].
  if (s.length < 3) return [0, 1, false];
  for (let i = 1; i < s.length; i++) {
    if (s[i] === ']') {
      const [width, ok, newi] = parsenum(s, 1, i);
      if (!ok || newi !== i) return [0, i + 1, false];
      return [width - 1, i + 1, true];
    }
  }
  return [0, 1, false];
}

/** A * width or precision operand: [value, isInt, newArgNum]. */
function intFromArg(a: readonly GoValue[], argNum: number): [number, boolean, number] {
  if (argNum >= a.length) return [0, false, argNum];
  const v = a[argNum];
  const kind = kindOf(v);
  let num = 0;
  let isInt = false;
  if (kind === 'int' || kind === 'uint') {
    const n = intOf(v);
    // It must fit in an int.
    if (n >= -(2n ** 63n) && n < 2n ** 63n) {
      num = Number(n);
      isInt = true;
    }
  }
  if (tooLarge(num)) {
    num = 0;
    isInt = false;
  }
  return [num, isInt, argNum + 1];
}

function bytesOf(s: GoSlice): Uint8Array {
  return Uint8Array.from(s.items, (v) => Number(v instanceof GoNumber ? v.value : 0));
}

function byteSlice(b: Uint8Array): GoSlice {
  return new GoSlice('uint8', Array.from(b, (c) => new GoNumber('uint8', BigInt(c))));
}

/** fmt.Sprint(args...): spaces between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  const p = new Printer();
  p.doPrint(args);
  return p.out;
}

/** fmt.Sprintln(args...): spaces between all operands, newline at the end. */
export function sprintln(args: readonly GoValue[]): string {
  const p = new Printer();
  p.doPrintln(args);
  return p.out;
}

/** fmt.Sprintf(format, args...). */
export function sprintf(format: string, args: readonly GoValue[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.out;
}
