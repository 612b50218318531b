// sprig's base64 and base32 functions. Decoding follows Go's encoding/base64 and
// encoding/base32 (StdEncoding): padding is required, CR and LF are skipped, and on bad input
// sprig returns the error text ("illegal base64 data at input byte N") instead of failing.
// Node's Buffer decoding accepts almost anything, so Go's decoders are written out.
import type { GoFunc } from '../../value.js';
import { asString, defineFunc } from '../define.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d; // '='
const isNewline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;

function decodeMap(alphabet: string): Map<number, number> {
  return new Map([...alphabet].map((c, i) => [c.charCodeAt(0), i]));
}

const base64Map = decodeMap(BASE64);
const base32Map = decodeMap(BASE32);

class CorruptInput extends Error {
  constructor(readonly offset: number) {
    super();
  }
}

// One 4-character quantum of base64, starting at si; returns where the next one starts.
function base64Quantum(src: Buffer, si: number, out: number[]): number {
  const digits: number[] = [];
  while (digits.length < 4) {
    if (si === src.length) {
      if (digits.length === 0) return si;
      throw new CorruptInput(si - digits.length);
    }
    const c = src[si++] ?? 0;
    const d = base64Map.get(c);
    if (d !== undefined) {
      digits.push(d);
      continue;
    }
    if (isNewline(c)) continue;
    if (c !== PAD || digits.length < 2) throw new CorruptInput(si - 1);
    if (digits.length === 2) {
      // "==" is expected; the first one is read.
      while (si < src.length && isNewline(src[si])) si++;
      if (si === src.length) throw new CorruptInput(src.length);
      if (src[si] !== PAD) throw new CorruptInput(si - 1);
      si++;
    }
    while (si < src.length && isNewline(src[si])) si++;
    const trailing = si < src.length;
    emit(digits, 6, out);
    if (trailing) throw new CorruptInput(si);
    return si;
  }
  emit(digits, 6, out);
  return si;
}

// Packs `bits`-bit digits into bytes, dropping the incomplete last byte as Go does.
function emit(digits: number[], bits: number, out: number[]): void {
  let acc = 0n;
  for (const d of digits) acc = (acc << BigInt(bits)) | BigInt(d);
  const total = digits.length * bits;
  for (let used = 8; used <= total; used += 8) {
    out.push(Number((acc >> BigInt(total - used)) & 0xffn));
  }
}

function base64Decode(s: string): string {
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  try {
    for (let si = 0; si < src.length; ) si = base64Quantum(src, si, out);
  } catch (e) {
    if (e instanceof CorruptInput) return `illegal base64 data at input byte ${e.offset}`;
    throw e;
  }
  return Buffer.from(out).toString('utf8');
}

function base32Decode(s: string): string {
  const src = Buffer.from(s, 'utf8').filter((b) => !isNewline(b));
  const olen = src.length;
  const out: number[] = [];
  let pos = 0;
  const left = (): number => olen - pos;
  let end = false;
  while (pos < olen && !end) {
    const digits: number[] = [];
    while (digits.length < 8) {
      if (left() === 0) return `illegal base32 data at input byte ${olen - digits.length}`;
      const c = src[pos++] ?? 0;
      const j = digits.length;
      if (c === PAD && j >= 2 && left() < 8) {
        if (left() + j < 7) return `illegal base32 data at input byte ${olen}`;
        for (let k = 0; k < 7 - j; k++) {
          if (left() > k && src[pos + k] !== PAD) {
            return `illegal base32 data at input byte ${pos + k - 1}`;
          }
        }
        // 1, 3 and 6 digits cannot encode whole bytes (RFC 4648 section 6).
        if (j === 1 || j === 3 || j === 6) return `illegal base32 data at input byte ${pos - 1}`;
        end = true;
        break;
      }
      const d = base32Map.get(c);
      if (d === undefined) return `illegal base32 data at input byte ${pos - 1}`;
      digits.push(d);
    }
    emit(digits, 5, out);
  }
  return Buffer.from(out).toString('utf8');
}

function base32Encode(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const block = bytes.subarray(i, i + 5);
    let acc = 0n;
    for (let k = 0; k < 5; k++) acc = (acc << 8n) | BigInt(block[k] ?? 0);
    const chars = Math.ceil((block.length * 8) / 5);
    for (let k = 0; k < 8; k++) {
      out += k < chars ? BASE32[Number((acc >> BigInt(35 - 5 * k)) & 31n)] : '=';
    }
  }
  return out;
}

export const encodingFuncs: readonly GoFunc[] = [
  defineFunc('b64enc', 'func(v string) string', (v) =>
    Buffer.from(asString(v), 'utf8').toString('base64'),
  ),
  defineFunc('b64dec', 'func(v string) string', (v) => base64Decode(asString(v))),
  defineFunc('b32enc', 'func(v string) string', (v) => base32Encode(asString(v))),
  defineFunc('b32dec', 'func(v string) string', (v) => base32Decode(asString(v))),
];
