import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type z } from 'zod';
import { bool, describe, dropNulls, int, oneOf, str, strList, strMap } from '../../../../src/engine/recipe/properties.js';

function message(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value);
  assert.equal(r.success, false, `expected ${JSON.stringify(value)} to be rejected`);
  return r.error!.issues[0]!.message;
}

test('booleans take the YAML 1.1 words in any case, as yaml.v2 did', () => {
  for (const word of ['yes', 'Yes', 'YES', 'y', 'Y', 'on', 'On', 'true', 'True', 'TRUE', 'tRuE']) {
    assert.equal(bool().parse(word), true, word);
  }
  for (const word of ['no', 'No', 'NO', 'n', 'N', 'off', 'OFF', 'false', 'False']) {
    assert.equal(bool().parse(word), false, word);
  }
});

test('a boolean of the wrong type says what it got', () => {
  assert.equal(message(bool(), ['x']), 'expected a boolean, got a list');
  assert.equal(message(bool(), { a: '1' }), 'expected a boolean, got a mapping');
  assert.equal(message(bool(), 'maybe'), 'expected a boolean, got "maybe"');
  assert.equal(message(bool(), '1'), 'expected a boolean, got "1": debos 1.1.1 to 1.1.4 silently ignore a number here and 1.1.5 and later refuse it; write true or false');
});

test('integers in Go literal forms', () => {
  assert.equal(int().parse('512'), 512);
  assert.equal(int().parse('4_096'), 4096);
  assert.equal(int().parse('0x1000'), 4096);
  assert.equal(int().parse('0o17'), 15);
  assert.equal(int().parse('017'), 15);
  assert.equal(int().parse('0b101'), 5);
  assert.equal(int().parse('-3'), -3);
  assert.equal(int().parse('0'), 0);
  assert.equal(message(int(), '4k'), 'expected an integer, got "4k"');
  assert.equal(message(int(), '1.5'), 'expected an integer, got "1.5"');
});

test('strings are any scalar as written', () => {
  assert.equal(str().parse('1.10'), '1.10');
  assert.equal(str().parse('yes'), 'yes');
  assert.equal(message(str(), ['a']), 'expected a string, got a list');
});

test('lists and maps of strings', () => {
  assert.deepEqual(strList().parse(['a', '1']), ['a', '1']);
  assert.equal(message(strList(), 'a'), 'expected a list of strings, got "a"');
  assert.equal(strList().safeParse(['a', ['b']]).error?.issues[0]?.path[0], 1);
  assert.deepEqual(strMap().parse({ k: '1.0' }), { k: '1.0' });
  assert.equal(message(strMap(), ['x']), 'expected a mapping of strings, got a list');
});

test('oneOf accepts only its words', () => {
  assert.equal(oneOf(['gpt', 'msdos']).parse('gpt'), 'gpt');
  assert.equal(message(oneOf(['gpt', 'msdos']), 'mbr'), 'expected one of gpt, msdos, got "mbr"');
});

test('null values of mappings are dropped, so defaults apply; list items keep theirs', () => {
  assert.deepEqual(dropNulls({ a: null, b: { c: null, d: '1' }, e: [null, { f: null }] }), { b: { d: '1' }, e: [null, {}] });
});

test('describe names values for messages', () => {
  assert.equal(describe(undefined), 'nothing');
  assert.equal(describe(null), 'null');
  assert.equal(describe('x'), '"x"');
});
