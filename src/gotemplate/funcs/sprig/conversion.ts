// sprig's type conversions and string splitting.
import { sprint } from '../../fmt.js';
import { GoMap, GoSlice, type GoFunc } from '../../value.js';
import { asBigInt, asInt, asString, defineFunc } from '../define.js';
import { parseInt } from '../go/strconv.js';
import { splitN } from '../go/strings.js';
import { int64, strslice, toFloat64, toInt64 } from './coerce.js';
import { untilStep } from './math.js';

// split and splitn return map[string]string keyed "_0", "_1"... so templates can write .x._1
function indexedParts(parts: string[]): GoMap {
  return new GoMap('string', new Map(parts.map((p, i) => [`_${i}`, p])));
}

// sprig's seq, modelled on the Unix command: seq LAST, seq FIRST LAST, seq FIRST STEP LAST.
function seq(params: bigint[]): string {
  let start: bigint;
  let end: bigint;
  let step: bigint;
  if (params.length === 1) {
    start = 1n;
    end = params[0] ?? 0n;
    step = end < start ? -1n : 1n;
    return untilStep(start, end + step, step).join(' ');
  }
  if (params.length === 2) {
    [start = 0n, end = 0n] = params;
    step = end < start ? -1n : 1n;
    return untilStep(start, end + step, step).join(' ');
  }
  if (params.length === 3) {
    [start = 0n, step = 0n, end = 0n] = params;
    // The stop bound moves one past end in the direction of counting, not of step.
    const increment = end < start ? -1n : 1n;
    if (end < start && step > 0n) return '';
    return untilStep(start, end + increment, step).join(' ');
  }
  return '';
}

export const conversionFuncs: readonly GoFunc[] = [
  // sprig's atoi ignores strconv.Atoi's error, so a too-large number comes back clamped.
  defineFunc('atoi', 'func(a string) int', (a) => parseInt(asString(a), 10, 64).value),
  defineFunc('int64', 'func(v interface{}) int64', (v) => int64(toInt64(v))),
  defineFunc('int', 'func(v interface{}) int', (v) => toInt64(v)),
  defineFunc('float64', 'func(v interface{}) float64', (v) => toFloat64(v)),
  defineFunc('seq', 'func(params ...int) string', (...params) => seq(params.map(asBigInt))),
  defineFunc('toDecimal', 'func(v interface{}) int64', (v) => {
    const r = parseInt(sprint([v]), 8, 64);
    return int64(r.err ? 0n : r.value);
  }),
  defineFunc('split', 'func(sep, orig string) map[string]string', (sep, orig) =>
    indexedParts(splitN(asString(orig), asString(sep), -1)),
  ),
  defineFunc('splitList', 'func(sep, orig string) []string', (sep, orig) =>
    new GoSlice('string', splitN(asString(orig), asString(sep), -1)),
  ),
  defineFunc('splitn', 'func(sep string, n int, orig string) map[string]string', (sep, n, orig) =>
    indexedParts(splitN(asString(orig), asString(sep), asInt(n))),
  ),
  defineFunc('toStrings', 'func(v interface{}) []string', strslice),
];
