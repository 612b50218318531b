// text/template's builtin slice. debos registers sprig's slice over it, so the golden
// tables (rendered with sprig) cannot reach it; expected values were printed by Go 1.24's
// text/template without extra functions, for the same data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoMap, GoNumber, GoSlice, type GoValue } from '../value.js';
import { renderOrError } from './render-or-error.js';

const data = new GoMap(
  'interface {}',
  new Map<string, GoValue>([
    ['s', 'héllo'],
    ['l', new GoSlice('string', ['a', 'b', 'c', 'd'])],
    ['i', new GoSlice('int', [1n, 2n, 3n])],
    ['b', new GoSlice('uint8', [104n, 105n].map((n) => new GoNumber('uint8', n)))],
    ['m', new GoMap('int', new Map([['x', 1n]]))],
  ]),
);

const run = (src: string) => renderOrError(src, data);

const cases: [string, string][] = [
  ['{{slice .s 1 3}}', 'é'],
  ['{{slice .s}}', 'héllo'],
  ['{{slice .s 1 2 3}}', 'ERR template: t:1:2: executing "t" at <slice .s 1 2 3>: error calling slice: cannot 3-index slice a string'],
  ['{{slice .l 1 3}}', '[b c]'],
  ['{{slice .l 1 2 3}}', '[b]'],
  ['{{slice .l 3 1}}', 'ERR template: t:1:2: executing "t" at <slice .l 3 1>: error calling slice: invalid slice index: 3 > 1'],
  ['{{slice .l 1 3 2}}', 'ERR template: t:1:2: executing "t" at <slice .l 1 3 2>: error calling slice: invalid slice index: 3 > 2'],
  ['{{slice .l 0 5}}', 'ERR template: t:1:2: executing "t" at <slice .l 0 5>: error calling slice: index out of range: 5'],
  ['{{slice .l -1}}', 'ERR template: t:1:2: executing "t" at <slice .l -1>: error calling slice: index out of range: -1'],
  ['{{slice .l 1 2 3 4}}', 'ERR template: t:1:2: executing "t" at <slice .l 1 2 3 4>: error calling slice: too many slice indexes: 4'],
  ['{{slice 3 1}}', 'ERR template: t:1:2: executing "t" at <slice 3 1>: error calling slice: can\'t slice item of type int'],
  ['{{slice nil}}', 'ERR template: t:1:2: executing "t" at <slice nil>: error calling slice: slice of untyped nil'],
  ['{{slice .missing 1}}', 'ERR template: t:1:2: executing "t" at <slice .missing 1>: error calling slice: slice of untyped nil'],
  ['{{slice .m 1}}', 'ERR template: t:1:2: executing "t" at <slice .m 1>: error calling slice: can\'t slice item of type map[string]int'],
  ['{{printf "%T" (slice .i 1)}}', '[]int'],
  ['{{slice .l 4}}', '[]'],
  ['{{slice .l 4 4}}', '[]'],
  ['{{slice .b 0 1}}', '[104]'],
  ['{{slice .s "1"}}', 'ERR template: t:1:2: executing "t" at <slice .s "1">: error calling slice: cannot index slice/array with type string'],
  ['{{slice .s nil}}', 'ERR template: t:1:2: executing "t" at <slice .s nil>: error calling slice: cannot index slice/array with nil'],
  ['{{len (slice .l 1)}}', '3'],
  ['{{ .l | slice }}', '[a b c d]'],
  ['{{slice}}', 'ERR template: t:1:2: executing "t" at <slice>: wrong number of args for slice: want at least 1 got 0'],
];

for (const [src, want] of cases) {
  test(src, () => assert.equal(run(src), want));
}

test('a byte slice that splits a character: Go keeps the raw bytes, we get U+FFFD', () => {
  // Go prints "\xa9llo"; a JS string cannot hold a lone byte (see README, limitations).
  assert.equal(run('{{slice .s 2}}'), '\ufffdllo');
});
