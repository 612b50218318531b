// encoding/json's Unmarshal into an interface{}: objects become map[string]interface{},
// arrays []interface{}, numbers float64. The input is first checked byte by byte the way Go's
// scanner does it, so a syntax error carries Go's exact message ("invalid character 'x'
// looking for beginning of value"); a number too large for float64 is a type error that leaves
// nil in its place.
import { GoMap, GoSlice, type GoValue } from '../../value.js';
import { quote } from './strconv.js';

export interface Decoded {
  readonly value: GoValue;
  readonly error: string | undefined;
}

const MAX_DEPTH = 10000;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean =>
  isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

// Go quotes the offending byte as if it were a rune, so byte 0xC3 shows as 'Ã'.
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  return `'${quote(String.fromCodePoint(c)).slice(1, -1)}'`;
}

class SyntaxError extends Error {}

/** Go's checkValid: the first syntax error in data, or undefined. */
function checkValid(data: Buffer): string | undefined {
  let i = 0;
  let depth = 0;
  const peek = (): number | undefined => data[i];
  // Go's scanner ends the input by feeding it a space, so running out inside a token that
  // cannot contain one (a number, true, an escape) reports that space as the culprit.
  const fail = (context: string, spaceAtEnd = false): never => {
    const c = data[i] ?? (spaceAtEnd ? 0x20 : undefined);
    throw new SyntaxError(
      c === undefined ? 'unexpected end of JSON input' : `invalid character ${quoteChar(c)} ${context}`,
    );
  };
  const skipSpace = (): void => {
    while (i < data.length && isSpace(data[i] ?? 0)) i++;
  };
  const expect = (word: string): void => {
    for (const ch of word.slice(1)) {
      if (peek() !== ch.charCodeAt(0)) fail(`in literal ${word} (expecting '${ch}')`, true);
      i++;
    }
  };
  const digits = (): void => {
    while (isDigit(peek() ?? -1)) i++;
  };

  function value(): void {
    skipSpace();
    const c = peek();
    if (c === undefined) fail('');
    i++;
    switch (c) {
      case 0x7b: // {
      case 0x5b: // [
        if (++depth > MAX_DEPTH) {
          i--;
          fail('exceeded max depth');
        }
        if (c === 0x7b) object();
        else array();
        depth--;
        return;
      case 0x22:
        return string();
      case 0x74:
        return expect('true');
      case 0x66:
        return expect('false');
      case 0x6e:
        return expect('null');
    }
    if (c === 0x2d || isDigit(c ?? -1)) return number(c ?? 0);
    i--;
    fail('looking for beginning of value');
  }

  function number(first: number): void {
    let c = first;
    if (c === 0x2d) {
      c = peek() ?? -1;
      if (!isDigit(c)) fail('in numeric literal', true);
      i++;
    }
    if (c !== 0x30) digits();
    if (peek() === 0x2e) {
      i++;
      if (!isDigit(peek() ?? -1)) fail('after decimal point in numeric literal', true);
      digits();
    }
    if (peek() === 0x65 || peek() === 0x45) {
      i++;
      if (peek() === 0x2b || peek() === 0x2d) i++;
      if (!isDigit(peek() ?? -1)) fail('in exponent of numeric literal', true);
      digits();
    }
  }

  function string(): void {
    for (;;) {
      const c = peek();
      if (c === undefined) fail('');
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        i++;
        const e = peek();
        if (e === 0x75) {
          i++;
          for (let k = 0; k < 4; k++) {
            if (!isHex(peek() ?? -1)) fail('in \\u hexadecimal character escape', true);
            i++;
          }
          continue;
        }
        if (e === undefined || !'bfnrt\\/"'.includes(String.fromCharCode(e))) {
          fail('in string escape code', true);
        }
        i++;
        continue;
      }
      if ((c ?? 0) < 0x20) fail('in string literal');
      i++;
    }
  }

  function object(): void {
    skipSpace();
    if (peek() === 0x7d) {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (peek() !== 0x22) fail('looking for beginning of object key string');
      i++;
      string();
      skipSpace();
      if (peek() !== 0x3a) fail('after object key');
      i++;
      value();
      skipSpace();
      if (peek() === 0x2c) {
        i++;
        continue;
      }
      if (peek() === 0x7d) {
        i++;
        return;
      }
      fail('after object key:value pair');
    }
  }

  function array(): void {
    skipSpace();
    if (peek() === 0x5d) {
      i++;
      return;
    }
    for (;;) {
      value();
      skipSpace();
      if (peek() === 0x2c) {
        i++;
        continue;
      }
      if (peek() === 0x5d) {
        i++;
        return;
      }
      fail('after array element');
    }
  }

  try {
    value();
    skipSpace();
    if (i < data.length) fail('after top-level value');
  } catch (e) {
    if (e instanceof SyntaxError) return e.message;
    throw e;
  }
  return undefined;
}

/** json.Unmarshal(data, &v) with v an interface{}. */
export function decodeJSON(text: string): Decoded {
  const data = Buffer.from(text, 'utf8');
  const syntax = checkValid(data);
  if (syntax !== undefined) return { value: null, error: syntax };
  // Valid JSON: a plain recursive reader, remembering the first type error as Go does.
  let error: string | undefined;
  let i = 0;
  const skipSpace = (): void => {
    while (isSpace(data[i] ?? 0)) i++;
  };

  function readString(): string {
    const units: number[] = [];
    const bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length > 0) {
        const s = Buffer.from(bytes).toString('utf8');
        for (let k = 0; k < s.length; k++) units.push(s.charCodeAt(k));
        bytes.length = 0;
      }
    };
    i++; // opening quote
    for (;;) {
      const c = data[i++] ?? 0x22;
      if (c === 0x22) break;
      if (c !== 0x5c) {
        bytes.push(c);
        continue;
      }
      flush();
      const e = String.fromCharCode(data[i++] ?? 0);
      if (e !== 'u') {
        units.push(({ b: 8, f: 12, n: 10, r: 13, t: 9 } as Record<string, number>)[e] ?? e.charCodeAt(0));
        continue;
      }
      const hex = (at: number): number => Number.parseInt(data.subarray(at, at + 4).toString(), 16);
      const unit = hex(i);
      i += 4;
      const isHigh = unit >= 0xd800 && unit < 0xdc00;
      const low = data[i] === 0x5c && data[i + 1] === 0x75 ? hex(i + 2) : -1;
      if (isHigh && low >= 0xdc00 && low < 0xe000) {
        units.push(unit, low);
        i += 6;
      } else {
        // A surrogate that is not half of a valid pair decodes as U+FFFD.
        units.push(unit >= 0xd800 && unit < 0xe000 ? 0xfffd : unit);
      }
    }
    flush();
    return String.fromCharCode(...units);
  }

  function readValue(): GoValue {
    skipSpace();
    const c = data[i];
    if (c === 0x7b) {
      i++;
      const map = new GoMap('interface {}', new Map());
      for (;;) {
        skipSpace();
        if (data[i] === 0x7d) {
          i++;
          return map;
        }
        if (data[i] === 0x2c) i++;
        skipSpace();
        const key = readString();
        skipSpace();
        i++; // colon
        map.entries.set(key, readValue());
      }
    }
    if (c === 0x5b) {
      i++;
      const items: GoValue[] = [];
      for (;;) {
        skipSpace();
        if (data[i] === 0x5d) {
          i++;
          return new GoSlice('interface {}', items);
        }
        if (data[i] === 0x2c) i++;
        items.push(readValue());
      }
    }
    if (c === 0x22) return readString();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (data.subarray(i, i + word.length).toString() === word) {
        i += word.length;
        return v;
      }
    }
    const start = i;
    while (i < data.length && /[-+.eE0-9]/.test(String.fromCharCode(data[i] ?? 0))) i++;
    const literal = data.subarray(start, i).toString();
    const f = Number(literal);
    if (Number.isFinite(f)) return f;
    error ??= `json: cannot unmarshal number ${literal} into Go value of type float64`;
    return null;
  }

  const value = readValue();
  return { value, error };
}
