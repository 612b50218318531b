// debos's own template functions: sector, escape and uuid5.
import { createHash } from 'node:crypto';
import type { GoFunc } from '../value.js';
import { asBigInt, asString, defineFunc } from './define.js';
import { goPanic } from './go/reflect.js';
import { quote } from '../fmt/quote.js';

// alessio/shellescape.Quote: words made only of safe characters stay bare, anything else is
// single-quoted with each ' written as '"'"'.
const unsafe = /[^\w@%+=:,./-]/;

export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (!unsafe.test(s)) return s;
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

// google/uuid.Parse: the 36-character form, optionally in braces or after "urn:uuid:", or 32
// bare hex digits.
function parseUUID(s: string): Buffer | string {
  const bytes = Buffer.from(s, 'utf8');
  let text = bytes;
  switch (bytes.length) {
    case 36:
      break;
    case 45:
      if (bytes.toString('latin1', 0, 9).toLowerCase() !== 'urn:uuid:') {
        return `invalid urn prefix: ${quote(bytes.subarray(0, 9).toString())}`;
      }
      text = bytes.subarray(9);
      break;
    case 38:
      text = bytes.subarray(1);
      break;
    case 32:
      return /^[0-9a-fA-F]{32}$/.test(bytes.toString('latin1'))
        ? Buffer.from(bytes.toString('latin1'), 'hex')
        : 'invalid UUID format';
    default:
      return `invalid UUID length: ${bytes.length}`;
  }
  const form = text.toString('latin1', 0, 36);
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(form)) {
    return 'invalid UUID format';
  }
  return Buffer.from(form.replaceAll('-', ''), 'hex');
}

/** uuid.NewSHA1(uuid.MustParse(namespace), data): an RFC 4122 version 5 UUID. */
export function uuid5(namespace: string, data: string): string {
  const space = parseUUID(namespace);
  if (typeof space === 'string') throw goPanic(`uuid: Parse(${namespace}): ${space}`);
  const sum = createHash('sha1').update(space).update(data, 'utf8').digest().subarray(0, 16);
  sum[6] = (sum[6]! & 0x0f) | 0x50;
  sum[8] = (sum[8]! & 0x3f) | 0x80;
  const hex = sum.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const debosFuncs: readonly GoFunc[] = [
  // Deprecated in debos in favour of writing "Ns" directly.
  defineFunc('sector', 'func(s int) string', (s) => `${asBigInt(s)}s`),
  defineFunc('escape', 'func(s string) string', (s) => shellQuote(asString(s))),
  defineFunc('uuid5', 'func(namespace string, data string) string', (ns, data) =>
    uuid5(asString(ns), asString(data)),
  ),
];
