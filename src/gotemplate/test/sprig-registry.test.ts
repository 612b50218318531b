// The function map itself: exactly slim-sprig's GenericFuncMap plus debos's three, each with
// the Go signature sprig declares, since the evaluator converts and counts arguments by it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recipeFuncs } from '../funcs/index.js';
import { func } from './sprig-call.js';

// slim-sprig v3.0.0's genericMap keys (functions.go), in its order.
const SLIM_SPRIG = `hello ago date date_in_zone date_modify dateInZone dateModify duration durationRound
htmlDate htmlDateInZone must_date_modify mustDateModify mustToDate now toDate unixEpoch trunc trim
upper lower title substr repeat trimall trimAll trimSuffix trimPrefix contains hasPrefix hasSuffix
quote squote cat indent nindent replace plural sha1sum sha256sum adler32sum toString atoi int64
int float64 seq toDecimal split splitList splitn toStrings until untilStep add1 add sub div mod
mul randInt biggest max min maxf minf ceil floor round join sortAlpha default empty coalesce all
any compact mustCompact fromJson toJson toPrettyJson toRawJson mustFromJson mustToJson
mustToPrettyJson mustToRawJson ternary typeOf typeIs typeIsLike kindOf kindIs deepEqual env
expandenv getHostByName base dir clean ext isAbs osBase osClean osDir osExt osIsAbs osAbs b64enc
b64dec b32enc b32dec tuple list dict get set unset hasKey pluck keys pick omit values append push
mustAppend mustPush prepend mustPrepend first mustFirst rest mustRest last mustLast initial
mustInitial reverse mustReverse uniq mustUniq without mustWithout has mustHas slice mustSlice
concat dig chunk mustChunk fail regexMatch mustRegexMatch regexFindAll mustRegexFindAll regexFind
mustRegexFind regexReplaceAll mustRegexReplaceAll regexReplaceAllLiteral
mustRegexReplaceAllLiteral regexSplit mustRegexSplit regexQuoteMeta urlParse urlJoin`.split(/\s+/);

test('the map holds slim-sprig and debos functions and nothing else', () => {
  const expected = [...SLIM_SPRIG, 'sector', 'escape', 'uuid5'].sort();
  assert.deepEqual([...recipeFuncs().keys()].sort(), expected);
});

test('functions are registered under their own names', () => {
  for (const [name, f] of recipeFuncs()) assert.equal(f.name, name);
});

test('signatures are Go types as reflect spells them', () => {
  const types: Record<string, string> = {
    repeat: 'func(int, string) string',
    add: 'func(...interface {}) int64',
    mul: 'func(interface {}, ...interface {}) int64',
    default: 'func(interface {}, ...interface {}) interface {}',
    round: 'func(interface {}, int, ...float64) float64',
    seq: 'func(...int) string',
    dict: 'func(...interface {}) map[string]interface {}',
    set: 'func(map[string]interface {}, string, interface {}) map[string]interface {}',
    pluck: 'func(string, ...map[string]interface {}) []interface {}',
    pick: 'func(map[string]interface {}, ...string) map[string]interface {}',
    split: 'func(string, string) map[string]string',
    splitList: 'func(string, string) []string',
    chunk: 'func(int, interface {}) [][]interface {}',
    mustChunk: 'func(int, interface {}) ([][]interface {}, error)',
    dig: 'func(...interface {}) (interface {}, error)',
    until: 'func(int) []int',
    dateModify: 'func(string, time.Time) time.Time',
    mustToDate: 'func(string, string) (time.Time, error)',
    now: 'func() time.Time',
    fail: 'func(string) (string, error)',
    regexFindAll: 'func(string, string, int) []string',
    mustRegexSplit: 'func(string, string, int) ([]string, error)',
    isAbs: 'func(string) bool',
    osAbs: 'func(string) string',
    sector: 'func(int) string',
    uuid5: 'func(string, string) string',
  };
  for (const [name, type] of Object.entries(types)) assert.equal(func(name).type, type, name);
});

test('aliases share behaviour', () => {
  for (const [a, b] of [['list', 'tuple'], ['append', 'push'], ['max', 'biggest'], ['trimAll', 'trimall'], ['dateModify', 'date_modify']] as const) {
    assert.equal(func(a).type, func(b).type, `${a}/${b}`);
  }
});
