// sprig's arithmetic: integer operations convert every operand with toInt64 and return int64
// (so `printf "%T" (add 1 2)` prints int64); the *f variants work on float64.
import { randomBytes } from 'node:crypto';
import { GoSlice, type GoFunc, type GoValue } from '../../value.js';
import { aliases, asBigInt, asFloat, defineFunc } from '../define.js';
import { goPanic, runtimeError } from '../go/reflect.js';
import { int64, toFloat64, toInt64 } from './coerce.js';

/** sprig's untilStep: start, start+step, ... up to but excluding stop; empty if step points away. */
export function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const out: bigint[] = [];
  if (stop < start) {
    if (step >= 0n) return out;
    for (let i = start; i > stop; i += step) out.push(i);
    return out;
  }
  if (step <= 0n) return out;
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

const intList = (items: bigint[]): GoSlice => new GoSlice('int', items);

function divide(a: GoValue, b: GoValue, op: (x: bigint, y: bigint) => bigint): GoValue {
  const x = toInt64(a);
  const y = toInt64(b);
  if (y === 0n) throw runtimeError('integer divide by zero');
  return int64(op(x, y));
}

// sprig's round: rounds half away from zero at the given decimal place, or at the fraction
// given as third argument.
function round(a: GoValue, places: bigint, roundOn: number): number {
  // Go's math.Pow(10, -n) is the correctly rounded 1/10^n; V8's ** is not always.
  const pow = places < 0n ? 1 / 10 ** -Number(places) : 10 ** Number(places);
  const digit = pow * toFloat64(a);
  const frac = digit % 1;
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

function extreme(pick: (x: bigint, y: bigint) => boolean) {
  return (first: GoValue, ...rest: GoValue[]): GoValue => {
    let best = toInt64(first);
    for (const v of rest) {
      const n = toInt64(v);
      if (pick(n, best)) best = n;
    }
    return int64(best);
  };
}

export const mathFuncs: readonly GoFunc[] = [
  defineFunc('add1', 'func(i interface{}) int64', (i) => int64(toInt64(i) + 1n)),
  defineFunc('add', 'func(i ...interface{}) int64', (...args) =>
    int64(args.reduce<bigint>((sum, v) => BigInt.asIntN(64, sum + toInt64(v)), 0n)),
  ),
  defineFunc('sub', 'func(a, b interface{}) int64', (a, b) => int64(toInt64(a) - toInt64(b))),
  defineFunc('div', 'func(a, b interface{}) int64', (a, b) => divide(a, b, (x, y) => x / y)),
  defineFunc('mod', 'func(a, b interface{}) int64', (a, b) => divide(a, b, (x, y) => x % y)),
  defineFunc('mul', 'func(a interface{}, v ...interface{}) int64', (a, ...rest) =>
    int64(rest.reduce<bigint>((p, v) => BigInt.asIntN(64, p * toInt64(v)), toInt64(a))),
  ),
  defineFunc('randInt', 'func(min, max int) int', (min, max) => {
    const span = asBigInt(max) - asBigInt(min);
    if (span <= 0n) throw goPanic('invalid argument to Intn');
    return (randomBytes(8).readBigUInt64BE() % span) + asBigInt(min);
  }),
  ...aliases(['biggest', 'max'], 'func(a interface{}, i ...interface{}) int64', extreme((n, best) => n > best)),
  defineFunc('min', 'func(a interface{}, i ...interface{}) int64', extreme((n, best) => n < best)),
  defineFunc('maxf', 'func(a interface{}, i ...interface{}) float64', (a, ...rest) =>
    rest.reduce<number>((m, v) => Math.max(m, toFloat64(v)), toFloat64(a)),
  ),
  defineFunc('minf', 'func(a interface{}, i ...interface{}) float64', (a, ...rest) =>
    rest.reduce<number>((m, v) => Math.min(m, toFloat64(v)), toFloat64(a)),
  ),
  defineFunc('ceil', 'func(a interface{}) float64', (a) => Math.ceil(toFloat64(a))),
  defineFunc('floor', 'func(a interface{}) float64', (a) => Math.floor(toFloat64(a))),
  defineFunc('round', 'func(a interface{}, p int, rOpt ...float64) float64', (a, p, ...opt) =>
    round(a, asBigInt(p), opt.length > 0 ? asFloat(opt[0]) : 0.5),
  ),
  defineFunc('until', 'func(count int) []int', (count) => {
    const n = asBigInt(count);
    return intList(untilStep(0n, n, n < 0n ? -1n : 1n));
  }),
  defineFunc('untilStep', 'func(start, stop, step int) []int', (start, stop, step) =>
    intList(untilStep(asBigInt(start), asBigInt(stop), asBigInt(step))),
  ),
];
