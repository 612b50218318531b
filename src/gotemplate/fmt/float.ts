// strconv.FormatFloat: Go's float to text conversion. Works on the exact decimal expansion
// of the binary value (BigInt), so rounding is Go's: correct, halfway cases to even
// (JS's toFixed rounds them up). Shortest formatting follows strconv's roundShortest.

interface FloatInfo {
  readonly mantbits: number;
  readonly expbits: number;
  readonly bias: number;
}

const FLOAT32: FloatInfo = { mantbits: 23, expbits: 8, bias: -127 };
const FLOAT64: FloatInfo = { mantbits: 52, expbits: 11, bias: -1023 };

/** A decimal number 0.d[0]d[1]...d[nd-1] × 10^dp, digits as numbers, no trailing zeros. */
interface Decimal {
  d: number[];
  nd: number;
  dp: number;
}

/** The exact decimal value of mant × 2^shift. */
function exactDecimal(mant: bigint, shift: number): Decimal {
  if (mant === 0n) return { d: [], nd: 0, dp: 0 };
  let digits: string;
  let fracDigits = 0;
  if (shift >= 0) digits = (mant << BigInt(shift)).toString();
  else {
    // mant / 2^k = mant × 5^k / 10^k
    fracDigits = -shift;
    digits = (mant * 5n ** BigInt(fracDigits)).toString();
  }
  const d = Array.from(digits, (c) => c.charCodeAt(0) - 48);
  const dec: Decimal = { d, nd: d.length, dp: d.length - fracDigits };
  trim(dec);
  return dec;
}

function trim(a: Decimal): void {
  while (a.nd > 0 && a.d[a.nd - 1] === 0) a.nd--;
  if (a.nd === 0) a.dp = 0;
}

function digitAt(a: Decimal, i: number): number {
  return a.d[i] ?? 0;
}

function shouldRoundUp(a: Decimal, nd: number): boolean {
  if (nd < 0 || nd >= a.nd) return false;
  if (digitAt(a, nd) === 5 && nd + 1 === a.nd) {
    // Exactly halfway: round to even.
    return nd > 0 && digitAt(a, nd - 1) % 2 !== 0;
  }
  return digitAt(a, nd) >= 5;
}

function round(a: Decimal, nd: number): void {
  if (nd < 0 || nd >= a.nd) return;
  if (shouldRoundUp(a, nd)) roundUp(a, nd);
  else roundDown(a, nd);
}

function roundDown(a: Decimal, nd: number): void {
  if (nd < 0 || nd >= a.nd) return;
  a.nd = nd;
  trim(a);
}

function roundUp(a: Decimal, nd: number): void {
  if (nd < 0 || nd >= a.nd) return;
  for (let i = nd - 1; i >= 0; i--) {
    const c = digitAt(a, i);
    if (c < 9) {
      a.d[i] = c + 1;
      a.nd = i + 1;
      return;
    }
  }
  a.d[0] = 1;
  a.nd = 1;
  a.dp++;
}

/** Rounds d (the exact value of mant × 2^(exp-mantbits)) to the shortest digits that read back. */
function roundShortest(d: Decimal, mant: bigint, exp: number, flt: FloatInfo): void {
  if (mant === 0n) {
    d.nd = 0;
    return;
  }
  const minexp = flt.bias + 1;
  if (exp > minexp && 332 * (d.dp - d.nd) >= 100 * (exp - flt.mantbits)) return;

  const upper = exactDecimal(mant * 2n + 1n, exp - flt.mantbits - 1);
  let mantlo: bigint;
  let explo: number;
  if (mant > 1n << BigInt(flt.mantbits) || exp === minexp) {
    mantlo = mant - 1n;
    explo = exp;
  } else {
    mantlo = mant * 2n - 1n;
    explo = exp - 1;
  }
  const lower = exactDecimal(mantlo * 2n + 1n, explo - flt.mantbits - 1);
  const inclusive = mant % 2n === 0n;

  let upperdelta = 0;
  for (let ui = 0; ; ui++) {
    const mi = ui - upper.dp + d.dp;
    if (mi >= d.nd) break;
    const li = ui - upper.dp + lower.dp;
    const l = li >= 0 && li < lower.nd ? digitAt(lower, li) : 0;
    const m = mi >= 0 ? digitAt(d, mi) : 0;
    const u = ui < upper.nd ? digitAt(upper, ui) : 0;

    const okdown = l !== m || (inclusive && li + 1 === lower.nd);
    if (upperdelta === 0 && m + 1 < u) upperdelta = 2;
    else if (upperdelta === 0 && m !== u) upperdelta = 1;
    else if (upperdelta === 1 && (m !== 9 || u !== 0)) upperdelta = 2;
    const okup = upperdelta > 0 && (inclusive || upperdelta > 1 || ui + 1 < upper.nd);

    if (okdown && okup) {
      round(d, mi + 1);
      return;
    }
    if (okdown) {
      roundDown(d, mi + 1);
      return;
    }
    if (okup) {
      roundUp(d, mi + 1);
      return;
    }
  }
}

function floatBits(val: number, bitSize: 32 | 64): { neg: boolean; exp: number; mant: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  if (bitSize === 32) {
    view.setFloat32(0, val);
    const bits = view.getUint32(0);
    return { neg: bits >>> 31 !== 0, exp: (bits >>> 23) & 0xff, mant: BigInt(bits & 0x7fffff) };
  }
  view.setFloat64(0, val);
  const bits = view.getBigUint64(0);
  return {
    neg: bits >> 63n !== 0n,
    exp: Number((bits >> 52n) & 0x7ffn),
    mant: bits & ((1n << 52n) - 1n),
  };
}

/** strconv.FormatFloat(val, fmt, prec, bitSize). prec < 0 means the shortest exact form. */
export function formatFloat(val: number, fmt: string, prec: number, bitSize: 32 | 64): string {
  const flt = bitSize === 32 ? FLOAT32 : FLOAT64;
  const bits = floatBits(val, bitSize);
  const { neg } = bits;
  let { exp, mant } = bits;
  if (exp === (1 << flt.expbits) - 1) {
    if (mant !== 0n) return 'NaN';
    return neg ? '-Inf' : '+Inf';
  }
  if (exp === 0) exp++;
  else mant |= 1n << BigInt(flt.mantbits);
  exp += flt.bias;

  if (fmt === 'b') return fmtB(neg, mant, exp, flt);
  if (fmt === 'x' || fmt === 'X') return fmtX(prec, fmt, neg, mant, exp, flt);

  const d = exactDecimal(mant, exp - flt.mantbits);
  const shortest = prec < 0;
  if (shortest) {
    roundShortest(d, mant, exp, flt);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(d.nd - 1, 0);
        break;
      case 'f':
        prec = Math.max(d.nd - d.dp, 0);
        break;
      case 'g':
      case 'G':
        prec = d.nd;
        break;
    }
  } else {
    switch (fmt) {
      case 'e':
      case 'E':
        round(d, prec + 1);
        break;
      case 'f':
        round(d, d.dp + prec);
        break;
      case 'g':
      case 'G':
        if (prec === 0) prec = 1;
        round(d, prec);
        break;
    }
  }
  return formatDigits(shortest, neg, d, prec, fmt);
}

function formatDigits(shortest: boolean, neg: boolean, d: Decimal, prec: number, fmt: string): string {
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, d, prec, fmt);
    case 'f':
      return fmtF(neg, d, prec);
    case 'g':
    case 'G': {
      let eprec = prec;
      if (eprec > d.nd && d.nd >= d.dp) eprec = d.nd;
      // %e is used if the exponent from the conversion is less than -4 or greater than or
      // equal to the precision; shortest output decides with precision 6.
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > d.nd) prec = d.nd;
        return fmtE(neg, d, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > d.dp) prec = d.nd;
      return fmtF(neg, d, Math.max(prec - d.dp, 0));
    }
  }
  return '%' + fmt;
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let s = neg ? '-' : '';
  s += d.nd !== 0 ? String(digitAt(d, 0)) : '0';
  if (prec > 0) {
    s += '.';
    let i = 1;
    const m = Math.min(d.nd, prec + 1);
    for (; i < m; i++) s += String(digitAt(d, i));
    for (; i <= prec; i++) s += '0';
  }
  s += fmt;
  let exp = d.nd === 0 ? 0 : d.dp - 1;
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  return s + (exp < 10 ? '0' + String(exp) : String(exp));
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (d.dp > 0) {
    let m = Math.min(d.nd, d.dp);
    for (let i = 0; i < m; i++) s += String(digitAt(d, i));
    for (; m < d.dp; m++) s += '0';
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      s += 0 <= j && j < d.nd ? String(digitAt(d, j)) : '0';
    }
  }
  return s;
}

function fmtB(neg: boolean, mant: bigint, exp: number, flt: FloatInfo): string {
  const e = exp - flt.mantbits;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

function fmtX(prec: number, fmt: string, neg: boolean, mant: bigint, exp: number, flt: FloatInfo): string {
  const mask60 = (1n << 60n) - 1n;
  if (mant === 0n) exp = 0;
  // Shift digits so the leading 1 (if any) is at bit 1<<60.
  mant <<= BigInt(60 - flt.mantbits);
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & mask60;
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let s = `${neg ? '-' : ''}0${fmt}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  const digit = (): string => {
    const c = hex[Number((mant >> 60n) & 15n)] ?? '0';
    mant = (mant << 4n) & ((1n << 64n) - 1n);
    return c;
  };
  if (prec < 0 && mant !== 0n) {
    s += '.';
    while (mant !== 0n) s += digit();
  } else if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += digit();
  }
  s += fmt === 'X' ? 'P' : 'p';
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  return s + (exp < 10 ? '0' + String(exp) : String(exp));
}
