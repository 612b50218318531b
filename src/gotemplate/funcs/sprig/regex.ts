// sprig's regular expression functions, in Go's RE2 syntax. The plain ones compile with
// regexp.MustCompile (a bad pattern panics with "regexp: Compile(`...`): ..."), except
// regexMatch, which reports no match; the must* ones return the compile error.
import { GoFuncError, GoSlice, NilSlice, type GoFunc, type GoValue } from '../../value.js';
import { asInt, asString, defineFunc } from '../define.js';
import { compile, mustCompileMessage, quoteMeta, type GoRegexp } from '../go/regexp/regexp.js';
import { RegexpSyntaxError } from '../go/regexp/syntax.js';

// Compiles for NAME (panicking as MustCompile) or mustNAME (returning the error).
function compileFor(expr: GoValue, must: boolean): GoRegexp {
  try {
    return compile(asString(expr));
  } catch (e) {
    if (!(e instanceof RegexpSyntaxError)) throw e;
    throw new GoFuncError(must ? e.message : mustCompileMessage(asString(expr), e));
  }
}

const strings = (items: string[] | undefined): GoSlice =>
  items === undefined ? new NilSlice('string') : new GoSlice('string', items);

function findAll(re: GoRegexp, s: string, n: number): GoSlice {
  const found = re.allMatches(s, n).map(([start, end]) => s.slice(start, end));
  return strings(found.length === 0 ? undefined : found);
}

function findFirst(re: GoRegexp, s: string): string {
  const m = re.exec(s, 0);
  return m ? s.slice(m[0], m[1]) : '';
}

/** NAME and mustNAME over the same operation; args after the pattern are strings or ints. */
function regexPair(name: string, params: string, result: string, op: (re: GoRegexp, args: GoValue[]) => GoValue): GoFunc[] {
  const must = `must${name[0]?.toUpperCase()}${name.slice(1)}`;
  return [
    defineFunc(name, `func(${params}) ${result}`, (expr, ...args) => op(compileFor(expr, false), args)),
    defineFunc(must, `func(${params}) (${result}, error)`, (expr, ...args) => op(compileFor(expr, true), args)),
  ];
}

const str = asString;

export const regexFuncs: readonly GoFunc[] = [
  // regexp.MatchString's error is dropped: an invalid pattern simply does not match.
  defineFunc('regexMatch', 'func(regex string, s string) bool', (expr, s) => {
    try {
      return compile(str(expr)).matchString(str(s));
    } catch (e) {
      if (e instanceof RegexpSyntaxError) return false;
      throw e;
    }
  }),
  defineFunc('mustRegexMatch', 'func(regex string, s string) (bool, error)', (expr, s) =>
    compileFor(expr, true).matchString(str(s)),
  ),
  ...regexPair('regexFindAll', 'regex string, s string, n int', '[]string', (re, [s, n]) =>
    findAll(re, str(s ?? ''), asInt(n ?? 0n)),
  ),
  ...regexPair('regexFind', 'regex string, s string', 'string', (re, [s]) => findFirst(re, str(s ?? ''))),
  ...regexPair('regexReplaceAll', 'regex string, s string, repl string', 'string', (re, [s, repl]) =>
    re.replaceAll(str(s ?? ''), (m) => re.expand(str(repl ?? ''), str(s ?? ''), m)),
  ),
  ...regexPair('regexReplaceAllLiteral', 'regex string, s string, repl string', 'string', (re, [s, repl]) =>
    re.replaceAll(str(s ?? ''), () => str(repl ?? '')),
  ),
  ...regexPair('regexSplit', 'regex string, s string, n int', '[]string', (re, [s, n]) =>
    strings(re.split(str(s ?? ''), asInt(n ?? 0n))),
  ),
  defineFunc('regexQuoteMeta', 'func(s string) string', (s) => quoteMeta(str(s))),
];
