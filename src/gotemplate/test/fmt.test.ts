// fmt on values the golden tables cannot build from map[string]string data: typed slices
// and maps, other numeric kinds, structs with String(), complex. Expected strings were
// printed by Go 1.24's fmt for the same Go values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoComplex } from '../complex.js';
import { sprint, sprintf } from '../fmt.js';
import { formatFloat } from '../fmt/float.js';
import { GoFunc, GoMap, GoNumber, GoSlice, NilMap, NilSlice, type GoStruct, type GoValue } from '../value.js';

const strs = (...s: string[]) => new GoSlice('string', s);
const ifaces = (...v: GoValue[]) => new GoSlice('interface {}', v);
const bytes = (s: string) => new GoSlice('uint8', [...new TextEncoder().encode(s)].map((b) => new GoNumber('uint8', BigInt(b))));
const imap = (entries: [string, GoValue][]) => new GoMap('interface {}', new Map(entries));

class Stringer implements GoStruct {
  readonly type = 'main.S';
  field() {
    return undefined;
  }
  method() {
    return undefined;
  }
  format() {
    return 'str';
  }
}

describe('sprintf on containers and kinds', () => {
  const cases: [string, GoValue[], string][] = [
    ['%v|%+v|%#v|%T', [strs('a', 'b c'), strs('a', 'b c'), strs('a', 'b c'), strs('a')], '[a b c]|[a b c]|[]string{"a", "b c"}|[]string'],
    ['%q|%x|%X|% x|%5s|%-4s|', [strs('a', 'é'), strs('ab', 'c'), strs('ab'), strs('ab', 'cd'), strs('a', 'b'), strs('a')], '["a" "é"]|[6162 63]|[6162]|[61 62 63 64]|[    a     b]|[a   ]|'],
    ['%v|%d|%#v|%x|%s|%q', [bytes('hé'), bytes('hi'), bytes('hi'), bytes('hi'), bytes('hi'), bytes('hi')], '[104 195 169]|[104 105]|[]byte{0x68, 0x69}|6869|hi|"hi"'],
    [
      '%v|%#v|%d|%s|%T',
      [ifaces(1n, 'a', null, true, 1.5), ifaces(1n, 'a', null, true, 1.5), ifaces(1n, 'a', null), ifaces(1n, 'a', null), ifaces()],
      '[1 a <nil> true 1.5]|[]interface {}{1, "a", interface {}(nil), true, 1.5}|[1 %!d(string=a) <nil>]|[%!s(int=1) a <nil>]|[]interface {}',
    ],
    [
      '%v|%#v|%+v|%d|%T',
      [
        imap([['b', 1], ['a', ifaces('x')], ['c', null]]),
        imap([['b', 1], ['a', ifaces('x')], ['c', null]]),
        imap([['b', 1]]),
        imap([['k', 2]]),
        imap([]),
      ],
      'map[a:[x] b:1 c:<nil>]|map[string]interface {}{"a":[]interface {}{"x"}, "b":1, "c":interface {}(nil)}|map[b:1]|map[%!d(string=k):%!d(float64=2)]|map[string]interface {}',
    ],
    ['%6.2f|%-8v|%08.3v|%+v', [ifaces(1.5, 2.25), strs('a'), ifaces(3.14159), ifaces(1n, -1n)], '[  1.50   2.25]|[a       ]|[00003.14]|[1 -1]'],
    ['%v %v %v', [imap([['é', 1], ['z', 2], ['A', 3], ['😀', 4], ['\uffff', 5]]), strs(), ifaces(ifaces(), imap([]))], 'map[A:3 z:2 é:1 \uffff:5 😀:4] [] [[] map[]]'],
    [
      '%v|%.1f|%+.2e|%T|%d',
      [new GoComplex(1.5, -2), new GoComplex(1.25, 0.75), new GoComplex(0, 1), new GoComplex(1, 1), new GoComplex(1, 1)],
      '(1.5-2i)|(1.2+0.8i)|(+0.00e+00+1.00e+00i)|complex128|%!d(complex128=(1+1i))',
    ],
    [
      '%v %v %.3v %g %e',
      [0.1, 16777217, 3.14159, 1e-45, 3.4028235e38].map((f) => new GoNumber('float32', Math.fround(f))),
      '0.1 1.6777216e+07 3.14 1e-45 3.402823e+38',
    ],
    [
      '%v %d %x %#v %c %U %T',
      [
        new GoNumber('uint8', 200n),
        new GoNumber('int8', -7n),
        new GoNumber('uint64', 18446744073709551615n),
        new GoNumber('uint8', 10n),
        new GoNumber('uint8', 65n),
        new GoNumber('uint8', 233n),
        new GoNumber('int8', 1n),
      ],
      '200 -7 ffffffffffffffff 0xa A U+00E9 int8',
    ],
  ];
  for (const [format, args, want] of cases) {
    test(format, () => assert.equal(sprintf(format, args), want));
  }

  test('a struct prints through its String method', () => {
    const s = new Stringer();
    assert.equal(sprintf('%v|%s|%q|%x|%5s|%T|%-5v|', [s, s, s, s, s, s, s]), 'str|str|"str"|737472|  str|main.S|str  |');
    assert.equal(sprintf('%v', [ifaces(s, 1n)]), '[str 1]');
    assert.equal(sprintf('%v', [imap([['k', s]])]), 'map[k:str]');
    assert.equal(sprint(['a', s, s, 1n]), 'astr str 1');
  });

  test('nil slices and maps print empty, except with %#v', () => {
    const [b, s, m] = [new NilSlice('uint8'), new NilSlice('string'), new NilMap('int')];
    assert.equal(
      sprintf('%#v|%v|%#v|%v|%#v|%v|%p|%#v|%d', [b, b, s, s, m, m, s, ifaces(s, m), b]),
      '[]byte(nil)|[]|[]string(nil)|[]|map[string]int(nil)|map[]|0x0|[]interface {}{[]string(nil), map[string]int(nil)}|[]',
    );
  });

  test('funcs, maps and slices print an address for %p', () => {
    const f = new GoFunc('f', [], false, 'string', false, () => '');
    assert.match(sprintf('%p %v', [f, f]), /^0x[0-9a-f]+ 0x[0-9a-f]+$/);
    assert.match(sprintf('%p', [strs()]), /^0x[0-9a-f]+$/);
    assert.equal(sprintf('%p', ['s']), '%!p(string=s)');
  });
});

describe('formatFloat', () => {
  // Go's shortest output and JS's Number#toExponential() are independent implementations
  // of the same rule: the fewest digits that read back as the same float64.
  test('shortest digits agree with JS for random float64 bit patterns', () => {
    const view = new DataView(new ArrayBuffer(8));
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 3000; i++) {
      view.setUint32(0, next() * 2);
      view.setUint32(4, next() * 2);
      const v = view.getFloat64(0);
      if (!Number.isFinite(v)) continue;
      const js = v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
      assert.equal(formatFloat(v, 'e', -1, 64), js, `bits ${view.getBigUint64(0)}`);
    }
  });

  test('fixed precision rounds halfway cases to even, on the exact binary value', () => {
    assert.equal(formatFloat(0.125, 'f', 2, 64), '0.12');
    assert.equal(formatFloat(0.375, 'f', 2, 64), '0.38');
    assert.equal(formatFloat(2.5, 'f', 0, 64), '2');
    assert.equal(formatFloat(2.675, 'f', 2, 64), '2.67'); // 2.67499999...
    assert.equal(formatFloat(1e23, 'f', 0, 64), '99999999999999991611392');
    assert.equal(formatFloat(5e-324, 'e', 3, 64), '4.941e-324');
  });

  test('special values', () => {
    assert.equal(formatFloat(Infinity, 'g', -1, 64), '+Inf');
    assert.equal(formatFloat(-Infinity, 'f', 2, 64), '-Inf');
    assert.equal(formatFloat(NaN, 'e', -1, 64), 'NaN');
    assert.equal(sprintf('%v %5.1f %+v % v %05v', [NaN, Infinity, NaN, -Infinity, Infinity]), 'NaN  +Inf NaN -Inf  +Inf');
  });
});
