import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from '../../../src/util/lines.js';

test('lines split across chunks; progress carriage returns collapse to what a terminal shows', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push('Reading database ... 5%\rReading database ... 50');
  s.push('%\rReading database ... 100%\nnext li');
  s.push('ne\r\ncrlf\nlast');
  s.end();
  assert.deepEqual(lines, ['Reading database ... 100%', 'next line', 'crlf', 'last']);
});
