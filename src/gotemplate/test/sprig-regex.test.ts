// Go regular expressions on JavaScript's engine: the translation, Go's match loops and
// replacement templates, called directly (golden/sprig-regex.jsonl covers the same through
// templates).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GoSlice, NilSlice } from '../value.js';
import { compile, quoteMeta } from '../funcs/go/regexp/regexp.js';
import { parseRegexp, RegexpSyntaxError } from '../funcs/go/regexp/syntax.js';
import { foldOrbit, translate } from '../funcs/go/regexp/translate.js';
import { call, callError } from './sprig-call.js';

const matches = (re: string, s: string): boolean => compile(re).matchString(s);

describe('translation', () => {
  test('a pattern folded throughout uses the i flag, a mixed one spells the cases out', () => {
    assert.equal(translate(parseRegexp('(?i)ab')).flags, 'gvi');
    const mixed = translate(parseRegexp('a(?i)b'));
    assert.equal(mixed.flags, 'gv');
    assert.match(mixed.source, /\\u\{42\}/);
  });
  test('fold orbits include the Kelvin sign and long s', () => {
    const sorted = (cp: number) => foldOrbit(cp).sort((a, b) => a - b);
    assert.deepEqual(sorted(0x6b), [0x4b, 0x6b, 0x212a]);
    assert.deepEqual(sorted(0x17f), [0x53, 0x73, 0x17f]);
    assert.deepEqual(foldOrbit(0x31), [0x31]);
    // ı (dotless i) has no simple case folding partner.
    assert.deepEqual(foldOrbit(0x131), [0x131]);
  });
  test('mixed folding applies inside classes and to Perl groups', () => {
    assert.equal(matches('^x(?i:[k-m])$', 'x\u212a'), true);
    assert.equal(matches('^x(?i:[k-m])$', 'X\u212a'), false);
    assert.equal(matches('^x(?i:[[:upper:]])$', 'xq'), true);
  });
  test('dot excludes only \\n, and \\s has no \\v', () => {
    assert.equal(matches('^.$', '\r'), true);
    assert.equal(matches('^.$', '\u2028'), true);
    assert.equal(matches('^.$', '\n'), false);
    assert.equal(matches('^\\s$', '\v'), false);
    assert.equal(matches('^[[:space:]]$', '\v'), true);
  });
  test('multi-line anchors break at \\n only', () => {
    assert.equal(matches('(?m)^b', 'a\rb'), false);
    assert.equal(matches('(?m)^b', 'a\nb'), true);
    assert.equal(matches('(?m)a$', 'a\r\n'), false);
  });
  test('the U flag swaps greediness', () => {
    assert.equal(call('regexFind', '(?U)a{1,3}', 'aaa'), 'a');
    assert.equal(call('regexFind', '(?U)a{1,3}?', 'aaa'), 'aaa');
  });
  test('Unicode classes: Go names, C without unassigned code points', () => {
    assert.equal(matches('^\\p{Greek}$', 'λ'), true);
    assert.equal(matches('^\\pC$', '\u0378'), false);
    assert.equal(matches('^\\PC$', '\u0378'), true);
  });
  test('octal and hex escapes', () => {
    assert.equal(matches('^\\141\\x62\\x{63}\\0$', 'abc\0'), true);
  });
});

describe('syntax errors carry Go messages', () => {
  const message = (re: string): string => {
    try {
      parseRegexp(re);
    } catch (e) {
      if (e instanceof RegexpSyntaxError) return e.message;
      throw e;
    }
    return assert.fail(`${re} parsed`);
  };
  test('repetition', () => {
    assert.equal(message('a{2}*'), 'error parsing regexp: invalid nested repetition operator: `{2}*`');
    assert.equal(message('(?i)*'), 'error parsing regexp: missing argument to repetition operator: `*`');
    assert.equal(message('(a{10}){10}{2}'), 'error parsing regexp: invalid nested repetition operator: `{10}{2}`');
    assert.equal(message('((a{10}){10}){11}'), 'error parsing regexp: invalid repeat count: `{11}`');
  });
  test('groups and names', () => {
    assert.equal(message('(?P<a!>x)'), 'error parsing regexp: invalid named capture: `(?P<a!>`');
    assert.equal(message('((a)'), 'error parsing regexp: missing closing ): `((a)`');
    assert.equal(message('(?i)(?-i)(?i-s:a))'), 'error parsing regexp: unexpected ): `(?i)(?-i)(?i-s:a))`');
  });
  test('Go accepts duplicate names and names starting with a digit', () => {
    assert.equal(call('mustRegexFind', '(?P<a>x)(?P<a>y)', 'xy'), 'xy');
    assert.equal(call('regexReplaceAll', '(?<1a>x)', 'x', '[${1a}]'), '[x]');
  });
});

describe('matching loops', () => {
  test('FindAll skips an empty match right after a match', () => {
    assert.deepEqual(compile('a*').allMatches('baaac', -1).map(([s, e]) => [s, e]), [[0, 0], [1, 4], [5, 5]]);
  });
  test('an empty match advances by a whole character', () => {
    assert.deepEqual(compile('').allMatches('😀', -1).map(([s]) => s), [0, 2]);
  });
  test('no match is a nil slice, n = 0 too', () => {
    assert.ok(call('regexFindAll', 'z', 'abc', -1n) instanceof NilSlice);
    assert.ok(call('regexFindAll', 'a', 'abc', 0n) instanceof NilSlice);
    assert.ok(call('regexSplit', 'a', 'abc', 0n) instanceof NilSlice);
    assert.deepEqual(call('regexSplit', 'b', 'abc', -1n), new GoSlice('string', ['a', 'c']));
  });
  test('group offsets are -1 for groups that did not take part', () => {
    assert.deepEqual(compile('(a)|(b)').exec('b', 0), [0, 1, -1, -1, 0, 1]);
  });
  test('expand reads $name as the longest run of word characters', () => {
    const re = compile('(?P<w>\\w+)');
    const m = re.exec('hi', 0) ?? [];
    assert.equal(re.expand('$w!', 'hi', m), 'hi!');
    assert.equal(re.expand('$wx ${w}x $1x ${1}x', 'hi', m), ' hix  hix');
    assert.equal(re.expand('$$w $', 'hi', m), '$w $');
  });
  test('replacement sees Go semantics for empty matches', () => {
    assert.equal(call('regexReplaceAll', 'b*', 'abc', 'X'), 'XaXcX');
  });
});

test('MustCompile panics quote the pattern as Go does', () => {
  assert.equal(callError('regexFind', 'a(', 'x'), 'regexp: Compile(`a(`): error parsing regexp: missing closing ): `a(`');
  assert.equal(callError('regexSplit', '\t(', 'x', 1n), 'regexp: Compile(`\t(`): error parsing regexp: missing closing ): `\t(`');
  assert.equal(callError('regexFind', '\u0001(', 'x'), 'regexp: Compile("\\x01("): error parsing regexp: missing closing ): `\u0001(`');
  assert.equal(call('regexMatch', 'a(', 'x'), false);
});

test('quoteMeta escapes exactly Go\'s metacharacters', () => {
  assert.equal(quoteMeta('\\.+*?()|[]{}^$-#'), '\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$-#');
});
