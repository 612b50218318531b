// encoding/json's Unmarshal into an interface{}: objects become map[string]interface{},
// arrays []interface{}, numbers float64. The input is first checked byte by byte the way Go's
// scanner does it, so a syntax error carries Go's exact message ("invalid character 'x'
// looking for beginning of value"); a number too large for float64 is a type error that leaves
// nil in its place.
import { GoMap, GoSlice, type GoValue } from '../../value.js';
import { quote } from '../../fmt/quote.js';

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

/**
 * Go's checkValid: feeds the bytes one by one to the scanner's state machine and returns the
 * first syntax error, or undefined. A state machine rather than recursion, because Go accepts
 * 10000 levels of nesting.
 */
function checkValid(data: Buffer): string | undefined {
  type Step = (c: number) => void;
  const stack: Array<'key' | 'value' | 'array'> = [];
  let err: string | undefined;
  let endTop = false;
  const fail = (c: number, context: string): void => {
    err = `invalid character ${quoteChar(c)} ${context}`;
  };
  // A literal's remaining letters, each checked against the input.
  const literal = (word: string, rest: string, next: Step): Step => (c) => {
    if (c !== rest.charCodeAt(0)) return fail(c, `in literal ${word} (expecting '${rest[0]}')`);
    step = rest.length > 1 ? literal(word, rest.slice(1), next) : next;
  };
  const push = (c: number, state: 'key' | 'array', next: Step): void => {
    stack.push(state);
    if (stack.length > MAX_DEPTH) return fail(c, 'exceeded max depth');
    step = next;
  };

  const beginValue: Step = (c) => {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b:
        return push(c, 'key', beginStringOrEmpty);
      case 0x5b:
        return push(c, 'array', beginValueOrEmpty);
      case 0x22:
        step = inString;
        return;
      case 0x2d:
        step = neg;
        return;
      case 0x30:
        step = zero;
        return;
      case 0x74:
        step = literal('true', 'rue', endValue);
        return;
      case 0x66:
        step = literal('false', 'alse', endValue);
        return;
      case 0x6e:
        step = literal('null', 'ull', endValue);
        return;
    }
    if (c >= 0x31 && c <= 0x39) step = digits;
    else fail(c, 'looking for beginning of value');
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x5d) return endValue(c);
    beginValue(c);
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x7d) {
      stack[stack.length - 1] = 'value';
      return endValue(c);
    }
    beginString(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x22) step = inString;
    else fail(c, 'looking for beginning of object key string');
  };
  const pop = (): void => {
    stack.pop();
    if (stack.length === 0) {
      step = endTopStep;
      endTop = true;
    } else step = endValue;
  };
  const endValue: Step = (c) => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      step = endTopStep;
      endTop = true;
      return endTopStep(c);
    }
    if (isSpace(c)) {
      step = endValue;
      return;
    }
    if (top === 'key') {
      if (c !== 0x3a) return fail(c, 'after object key');
      stack[stack.length - 1] = 'value';
      step = beginValue;
    } else if (top === 'value') {
      if (c === 0x2c) {
        stack[stack.length - 1] = 'key';
        step = beginString;
      } else if (c === 0x7d) pop();
      else fail(c, 'after object key:value pair');
    } else if (c === 0x2c) step = beginValue;
    else if (c === 0x5d) pop();
    else fail(c, 'after array element');
  };
  const endTopStep: Step = (c) => {
    if (!isSpace(c)) fail(c, 'after top-level value');
  };
  const inString: Step = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c) step = inStringEsc;
    else if (c < 0x20) fail(c, 'in string literal');
  };
  const inStringEsc: Step = (c) => {
    if ('bfnrt\\/"'.includes(String.fromCharCode(c))) step = inString;
    else if (c === 0x75) step = hexDigits(4);
    else fail(c, 'in string escape code');
  };
  const hexDigits = (n: number): Step => (c) => {
    if (!isHex(c)) return fail(c, 'in \\u hexadecimal character escape');
    step = n > 1 ? hexDigits(n - 1) : inString;
  };
  const neg: Step = (c) => {
    if (c === 0x30) step = zero;
    else if (c >= 0x31 && c <= 0x39) step = digits;
    else fail(c, 'in numeric literal');
  };
  const digits: Step = (c) => {
    if (isDigit(c)) return;
    zero(c);
  };
  const zero: Step = (c) => {
    if (c === 0x2e) step = dot;
    else if (c === 0x65 || c === 0x45) step = exponent;
    else endValue(c);
  };
  const dot: Step = (c) => {
    if (isDigit(c)) step = fraction;
    else fail(c, 'after decimal point in numeric literal');
  };
  const fraction: Step = (c) => {
    if (isDigit(c)) return;
    if (c === 0x65 || c === 0x45) step = exponent;
    else endValue(c);
  };
  const exponent: Step = (c) => {
    if (c === 0x2b || c === 0x2d) step = exponentSign;
    else exponentSign(c);
  };
  const exponentSign: Step = (c) => {
    if (isDigit(c)) step = exponentDigits;
    else fail(c, 'in exponent of numeric literal');
  };
  const exponentDigits: Step = (c) => {
    if (!isDigit(c)) endValue(c);
  };

  let step: Step = beginValue;
  for (const c of data) {
    step(c);
    if (err !== undefined) return err;
  }
  // Go ends the input by feeding a space: a token that cannot hold one reports it.
  if (endTop) return undefined;
  step(0x20);
  return err ?? (endTop ? undefined : 'unexpected end of JSON input');
}

/** json.Unmarshal(data, &v) with v an interface{}. */
export function decodeJSON(text: string): Decoded {
  const data = Buffer.from(text, 'utf8');
  const syntax = checkValid(data);
  if (syntax !== undefined) return { value: null, error: syntax };
  // Valid JSON: a plain reader, remembering the first type error as Go does.
  let error: string | undefined;
  let i = 0;
  const skipSpace = (): void => {
    while (isSpace(data[i] ?? 0)) i++;
  };

  function readString(): string {
    let out = '';
    let start = ++i; // past the opening quote
    for (;;) {
      const c = data[i];
      if (c === 0x22 || c === undefined) {
        out += data.toString('utf8', start, i++);
        return out;
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      // Escapes are ASCII, so the bytes before one are whole UTF-8 characters.
      out += data.toString('utf8', start, i);
      const e = String.fromCharCode(data[i + 1] ?? 0);
      i += 2;
      if (e === 'u') {
        const hex = (at: number): number => Number.parseInt(data.toString('latin1', at, at + 4), 16);
        const unit = hex(i);
        i += 4;
        const low = data[i] === 0x5c && data[i + 1] === 0x75 ? hex(i + 2) : -1;
        if (unit >= 0xd800 && unit < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
          out += String.fromCharCode(unit, low);
          i += 6;
        } else {
          // A surrogate that is not half of a valid pair decodes as U+FFFD.
          out += unit >= 0xd800 && unit < 0xe000 ? '\ufffd' : String.fromCharCode(unit);
        }
      } else {
        out += ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e;
      }
      start = i;
    }
  }

  function readScalar(): GoValue {
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

  // An explicit stack, as the input may nest 10000 deep.
  interface Open {
    readonly items?: GoValue[];
    readonly map?: GoMap;
    key?: string;
  }
  const stack: Open[] = [];
  let result: GoValue = null;
  const emit = (v: GoValue): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) result = v;
    else if (top.items) top.items.push(v);
    else {
      top.map?.entries.set(top.key ?? '', v);
      top.key = undefined;
    }
  };
  for (;;) {
    skipSpace();
    const c = data[i];
    if (c === undefined) break;
    const top = stack[stack.length - 1];
    if (c === 0x2c || c === 0x3a) i++;
    else if (c === 0x7b) {
      i++;
      stack.push({ map: new GoMap('interface {}', new Map()) });
    } else if (c === 0x5b) {
      i++;
      stack.push({ items: [] });
    } else if (c === 0x7d || c === 0x5d) {
      i++;
      const done = stack.pop();
      emit(done?.map ?? new GoSlice('interface {}', done?.items ?? []));
    } else if (c === 0x22) {
      const text = readString();
      if (top?.map && top.key === undefined) top.key = text;
      else emit(text);
    } else emit(readScalar());
  }
  const value = result;
  return { value, error };
}
