// sprig's conversions and arithmetic called directly: result types (int64 where sprig
// declares it), slim-sprig's own numeric rules, and Go's integer overflow and panics.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoMap, GoNumber, GoSlice, typeOf } from '../value.js';
import { floatToInt64, toFloat64, toInt64 } from '../funcs/sprig/coerce.js';
import { call, callError } from './sprig-call.js';

const int64 = (n: bigint) => new GoNumber('int64', n);

describe('slim-sprig conversions', () => {
  test('strings parse as plain base 10, unlike spf13/cast in Masterminds sprig', () => {
    assert.equal(toInt64('42'), 42n);
    assert.equal(toInt64('0x10'), 0n);
    assert.equal(toInt64('017'), 17n);
    assert.equal(toInt64('1_000'), 0n);
    assert.equal(toInt64(' 1'), 0n);
  });
  test('out-of-range strings are 0, large unsigned values saturate', () => {
    assert.equal(toInt64('9223372036854775808'), 0n);
    assert.equal(toInt64(new GoNumber('uint64', 18446744073709551615n)), 9223372036854775807n);
    assert.equal(toInt64(new GoNumber('uint8', 255n)), 255n);
    assert.equal(toInt64(new GoNumber('uintptr', 5n)), 0n);
  });
  test('floats truncate; NaN and out-of-range give MinInt64 as on amd64', () => {
    assert.equal(toInt64(-2.9), -2n);
    assert.equal(floatToInt64(NaN), -9223372036854775808n);
    assert.equal(floatToInt64(1e19), -9223372036854775808n);
    assert.equal(toInt64(new GoNumber('float32', 2.5)), 2n);
  });
  test('bools are 1 and 0, other kinds 0', () => {
    assert.equal(toInt64(true), 1n);
    assert.equal(toInt64(null), 0n);
    assert.equal(toInt64(new GoSlice('int', [1n])), 0n);
    assert.equal(toFloat64(new GoMap('string', new Map())), 0);
    assert.equal(toFloat64('1e3'), 1000);
    assert.equal(toFloat64('x'), 0);
  });
});

describe('arithmetic', () => {
  test('results are int64', () => {
    for (const v of [call('add', 1n, 2n), call('sub', 5n, 1n), call('mul', 2n, 3n), call('max', 1n), call('add1', 0n)]) {
      assert.ok(v instanceof GoNumber);
      assert.equal(typeOf(v), 'int64');
    }
    assert.deepEqual(call('add', 1n, '2', 2.5, true), int64(6n));
  });
  test('overflow wraps around like Go', () => {
    assert.deepEqual(call('add', 9223372036854775807n, 1n), int64(-9223372036854775808n));
    assert.deepEqual(call('mul', 4611686018427387904n, 2n), int64(-9223372036854775808n));
    assert.deepEqual(call('div', -9223372036854775808n, -1n), int64(-9223372036854775808n));
  });
  test('division truncates toward zero and its remainder follows the dividend', () => {
    assert.deepEqual(call('div', -7n, 2n), int64(-3n));
    assert.deepEqual(call('mod', -7n, 2n), int64(-1n));
  });
  test('division by zero panics', () => {
    assert.equal(callError('div', 1n, 0n), 'runtime error: integer divide by zero');
    assert.equal(callError('mod', 1n, '0'), 'runtime error: integer divide by zero');
  });
  test('round works on the binary value, as Go does', () => {
    assert.equal(call('round', 1.00005, 4n), 1.0001);
    assert.equal(call('round', 0.285, 2n), 0.28);
    assert.equal(call('round', 2.675, 2n), 2.68);
    assert.equal(call('round', 1234.5678, -2n), 1200);
    assert.equal(call('round', 5.5, 0n, 0.6), 5);
  });
  test('maxf and minf follow math.Max and math.Min', () => {
    assert.ok(Number.isNaN(call('maxf', 1, NaN) as number));
    assert.equal(call('minf', 0, -0), -0);
  });
});

describe('randInt', () => {
  test('draws from [min, max)', () => {
    for (let i = 0; i < 200; i++) {
      const v = call('randInt', -3n, 3n) as bigint;
      assert.ok(v >= -3n && v < 3n, String(v));
    }
    assert.equal(call('randInt', 7n, 8n), 7n);
  });
  test('an empty range panics as rand.Intn does', () => {
    assert.equal(callError('randInt', 5n, 5n), 'invalid argument to Intn');
  });
});

describe('sequences', () => {
  test('until and untilStep return []int', () => {
    assert.deepEqual(call('until', 3n), new GoSlice('int', [0n, 1n, 2n]));
    assert.deepEqual(call('untilStep', 5n, 0n, -2n), new GoSlice('int', [5n, 3n, 1n]));
  });
  test('seq counts like the Unix command', () => {
    assert.equal(call('seq', -2n), '1 0 -1 -2');
    assert.equal(call('seq', 1n, 3n, 8n), '1 4 7');
  });
});

test('atoi, int and float64 results have their Go types', () => {
  assert.equal(call('atoi', '-12'), -12n);
  assert.equal(call('int', 3.9), 3n);
  assert.equal(call('float64', 2n), 2);
  assert.deepEqual(call('int64', '5'), int64(5n));
  assert.deepEqual(call('toDecimal', 'z'), int64(0n));
});

test('split and splitn key their parts _0, _1...', () => {
  const parts = call('splitn', '/', 2n, 'a/b/c') as GoMap;
  assert.equal(parts.type, 'map[string]string');
  assert.deepEqual([...parts.entries], [['_0', 'a'], ['_1', 'b/c']]);
});
