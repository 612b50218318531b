// sprig's string functions. Several take their subject last ("foo" | repeat 3), as sprig
// declares them for use in pipelines.
import { createHash } from 'node:crypto';
import { sprint } from '../../fmt.js';
import type { GoFunc, GoValue } from '../../value.js';
import { aliases, asInt as int, asString as str, defineFunc } from '../define.js';
import { quote } from '../../fmt/quote.js';
import { utf8Length as byteLength } from '../../fmt/runes.js';
import {
  repeat,
  replaceAll,
  sliceBytes,
  title,
  toLower,
  toUpper,
  trimCutset,
  trimSpace,
} from '../go/strings.js';
import { strval } from './coerce.js';

const present = (v: GoValue): boolean => v !== null && v !== undefined;

function trunc(c: number, s: string): string {
  const length = byteLength(s);
  if (c < 0 && length + c > 0) return sliceBytes(s, length + c);
  if (c >= 0 && length > c) return sliceBytes(s, 0, c);
  return s;
}

function substring(start: number, end: number, s: string): string {
  if (start < 0) return sliceBytes(s, 0, end);
  if (end < 0 || end > byteLength(s)) return sliceBytes(s, start);
  return sliceBytes(s, start, end);
}

function indent(spaces: number, v: string): string {
  const pad = repeat(' ', spaces);
  return pad + v.replaceAll('\n', `\n${pad}`);
}

// Go's hash/adler32.
function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const hexDigest = (algorithm: string) => (input: GoValue) =>
  createHash(algorithm).update(str(input), 'utf8').digest('hex');

export const stringFuncs: readonly GoFunc[] = [
  defineFunc('trunc', 'func(c int, s string) string', (c, s) => trunc(int(c), str(s))),
  defineFunc('trim', 'func(s string) string', (s) => trimSpace(str(s))),
  defineFunc('upper', 'func(s string) string', (s) => toUpper(str(s))),
  defineFunc('lower', 'func(s string) string', (s) => toLower(str(s))),
  defineFunc('title', 'func(s string) string', (s) => title(str(s))),
  defineFunc('substr', 'func(start, end int, s string) string', (start, end, s) =>
    substring(int(start), int(end), str(s)),
  ),
  defineFunc('repeat', 'func(count int, str string) string', (count, s) =>
    repeat(str(s), int(count)),
  ),
  ...aliases(['trimall', 'trimAll'], 'func(a, b string) string', (a, b) =>
    trimCutset(str(b), str(a)),
  ),
  defineFunc('trimSuffix', 'func(a, b string) string', (a, b) =>
    str(b).endsWith(str(a)) ? str(b).slice(0, str(b).length - str(a).length) : str(b),
  ),
  defineFunc('trimPrefix', 'func(a, b string) string', (a, b) =>
    str(b).startsWith(str(a)) ? str(b).slice(str(a).length) : str(b),
  ),
  defineFunc('contains', 'func(substr string, str string) bool', (sub, s) =>
    str(s).includes(str(sub)),
  ),
  defineFunc('hasPrefix', 'func(substr string, str string) bool', (sub, s) =>
    str(s).startsWith(str(sub)),
  ),
  defineFunc('hasSuffix', 'func(substr string, str string) bool', (sub, s) =>
    str(s).endsWith(str(sub)),
  ),
  // %q of a string is strconv.Quote.
  defineFunc('quote', 'func(str ...interface{}) string', (...args) =>
    args.filter(present).map((a) => quote(strval(a))).join(' '),
  ),
  defineFunc('squote', 'func(str ...interface{}) string', (...args) =>
    args.filter(present).map((a) => `'${sprint([a])}'`).join(' '),
  ),
  defineFunc('cat', 'func(v ...interface{}) string', (...args) =>
    args.filter(present).map((a) => sprint([a])).join(' '),
  ),
  defineFunc('indent', 'func(spaces int, v string) string', (n, v) => indent(int(n), str(v))),
  defineFunc('nindent', 'func(spaces int, v string) string', (n, v) =>
    `\n${indent(int(n), str(v))}`,
  ),
  defineFunc('replace', 'func(old, new, src string) string', (old, repl, src) =>
    replaceAll(str(src), str(old), str(repl)),
  ),
  defineFunc('plural', 'func(one, many string, count int) string', (one, many, count) =>
    count === 1n ? one : many,
  ),
  defineFunc('sha1sum', 'func(input string) string', hexDigest('sha1')),
  defineFunc('sha256sum', 'func(input string) string', hexDigest('sha256')),
  defineFunc('adler32sum', 'func(input string) string', (input) =>
    String(adler32(Buffer.from(str(input), 'utf8'))),
  ),
  defineFunc('toString', 'func(v interface{}) string', strval),
];
