// encoding/json's Marshal for template values: map keys sorted, <>& escaped unless asked not
// to, U+2028/U+2029 always escaped, floats in ES6 style except that -0 keeps its sign, and
// Go's error texts for NaN, infinities, functions and cycles.
import { GoComplex } from '../../complex.js';
import { GoFunc, GoMap, GoNumber, GoSlice, isStruct, NilMap, NilSlice, type GoValue } from '../../value.js';
import { compareGoStrings } from '../../fmt/runes.js';
import { GoTime } from './time/time.js';

export class JsonError extends Error {}

export interface EncodeOptions {
  readonly escapeHTML: boolean;
  /** MarshalIndent's indent string; undefined for compact output. */
  readonly indent?: string;
}

const shortEscapes: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function encodeString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const c of s) {
    const short = shortEscapes[c];
    if (short !== undefined) out += short;
    else if (c < ' ' || (escapeHTML && (c === '<' || c === '>' || c === '&')) || c === '\u2028' || c === '\u2029') {
      out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    } else if (c.length === 1 && c >= '\ud800' && c <= '\udfff') {
      // A lone surrogate stands for invalid UTF-8, which Go replaces.
      out += '\\ufffd';
    } else out += c;
  }
  return `${out}"`;
}

/** The shortest decimal that reads back as the same float32. */
function float32Digits(f: number): number {
  for (let p = 1; p < 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return Number(f.toPrecision(9));
}

function encodeFloat(f: number, bits: 32 | 64): string {
  if (!Number.isFinite(f)) {
    const str = Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf';
    throw new JsonError(`json: unsupported value: ${str}`);
  }
  if (Object.is(f, -0)) return '-0';
  // JavaScript's Number#toString switches to exponents at the same bounds as Go's encoder
  // (1e-6, 1e21) and writes exponents the way Go's cleaned-up output does.
  return String(bits === 32 ? float32Digits(f) : f);
}

export function encodeJSON(v: GoValue, opts: EncodeOptions): string {
  const seen = new Set<GoMap>();

  const newline = (depth: number): string =>
    opts.indent === undefined ? '' : `\n${opts.indent.repeat(depth)}`;
  const colon = opts.indent === undefined ? ':' : ': ';

  function composite(open: string, close: string, parts: string[], depth: number): string {
    if (parts.length === 0) return open + close;
    const inner = parts.map((p) => newline(depth + 1) + p).join(',');
    return open + inner + newline(depth) + close;
  }

  function encode(value: GoValue, depth: number): string {
    if (value === null || value === undefined) return 'null';
    switch (typeof value) {
      case 'string':
        return encodeString(value, opts.escapeHTML);
      case 'bigint':
        return value.toString();
      case 'number':
        return encodeFloat(value, 64);
      case 'boolean':
        return String(value);
    }
    if (value instanceof GoNumber) {
      return value.type === 'float32' ? encodeFloat(Number(value.value), 32) : String(value.value);
    }
    if (value instanceof GoSlice) {
      if (value instanceof NilSlice) return 'null';
      if (value.elem === 'uint8') {
        const bytes = value.items.map((b) => Number(b instanceof GoNumber ? b.value : 0));
        return `"${Buffer.from(bytes).toString('base64')}"`;
      }
      return composite('[', ']', value.items.map((x) => encode(x, depth + 1)), depth);
    }
    if (value instanceof GoMap) {
      if (value instanceof NilMap) return 'null';
      if (seen.has(value)) {
        throw new JsonError(`json: unsupported value: encountered a cycle via ${value.type}`);
      }
      seen.add(value);
      const keys = [...value.entries.keys()].sort(compareGoStrings);
      const parts = keys.map(
        (k) => encodeString(k, opts.escapeHTML) + colon + encode(value.entries.get(k) ?? null, depth + 1),
      );
      seen.delete(value);
      return composite('{', '}', parts, depth);
    }
    if (value instanceof GoFunc || value instanceof GoComplex) {
      throw new JsonError(`json: unsupported type: ${value.type}`);
    }
    if (value instanceof GoTime) {
      const text = value.marshalText();
      if (text instanceof Error) {
        throw new JsonError(`json: error calling MarshalJSON for type time.Time: ${text.message}`);
      }
      return encodeString(text, opts.escapeHTML);
    }
    if (isStruct(value)) return '{}';
    return 'null';
  }

  return encode(v, 0);
}
