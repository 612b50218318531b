// A parser for Go's regular expression syntax (RE2, as regexp.Compile reads it) into a small
// tree, with Go's error codes and the exact fragments Go quotes in its messages
// ("error parsing regexp: missing closing ): `(a`"). translate.ts turns the tree into a
// JavaScript RegExp.
import { CATEGORIES, PERL, POSIX, SCRIPTS } from './classes.js';

export interface Flags {
  readonly fold: boolean; // (?i)
  readonly oneLine: boolean; // not (?m): ^ and $ match at text start and end only
  readonly dotNL: boolean; // (?s)
  readonly nonGreedy: boolean; // (?U)
}

/** A member of a character class. Perl, POSIX and Unicode groups are kept by name. */
export type ClassItem =
  | { readonly t: 'range'; readonly lo: number; readonly hi: number }
  | { readonly t: 'ascii'; readonly ranges: ReadonlyArray<readonly [number, number]>; readonly neg: boolean }
  | { readonly t: 'unicode'; readonly name: string; readonly neg: boolean };

export type Node =
  | { readonly t: 'lit'; readonly cp: number; readonly fold: boolean }
  | { readonly t: 'class'; readonly items: readonly ClassItem[]; readonly neg: boolean; readonly fold: boolean }
  | { readonly t: 'dot'; readonly nl: boolean }
  | { readonly t: 'assert'; readonly kind: 'bot' | 'eot' | 'bol' | 'eol' | 'wb' | 'nwb' }
  | { readonly t: 'group'; readonly cap: number; readonly sub: Node }
  | { readonly t: 'concat'; readonly subs: readonly Node[] }
  | { readonly t: 'alt'; readonly subs: readonly Node[] }
  | {
      readonly t: 'repeat';
      readonly min: number;
      readonly max: number; // -1: no upper bound
      readonly greedy: boolean;
      readonly counted: boolean; // written as {n,m}
      readonly sub: Node;
    };

export interface Parsed {
  readonly root: Node;
  readonly numCap: number;
  /** Capture group names by group number; index 0 is the whole match. */
  readonly names: readonly string[];
}

export class RegexpSyntaxError extends Error {
  constructor(code: string, expr: string) {
    super(`error parsing regexp: ${code}: \`${expr}\``);
  }
}

const E = {
  charRange: 'invalid character class range',
  escape: 'invalid escape sequence',
  namedCapture: 'invalid named capture',
  perlOp: 'invalid or unsupported Perl syntax',
  repeatOp: 'invalid nested repetition operator',
  repeatSize: 'invalid repeat count',
  bracket: 'missing closing ]',
  paren: 'missing closing )',
  repeatArg: 'missing argument to repetition operator',
  backslash: 'trailing backslash at end of expression',
  unexpectedParen: 'unexpected )',
} as const;

const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const hexValue = (c: string | undefined): number => (c !== undefined && /^[0-9a-fA-F]$/.test(c) ? Number.parseInt(c, 16) : -1);
const firstRune = (s: string): string => String.fromCodePoint(s.codePointAt(0) ?? 0);

interface Frame {
  /** Capture number, 0 for (?:...). */
  readonly cap: number;
  /** Flags in force where the group opened, restored at its close. */
  readonly flags: Flags;
  readonly alts: Node[];
  cur: Node[];
}

const seq = (nodes: Node[]): Node => (nodes.length === 1 ? nodes[0]! : { t: 'concat', subs: nodes });

/** Parses a Go regular expression; throws RegexpSyntaxError with Go's message. */
export function parseRegexp(whole: string): Parsed {
  let flags: Flags = { fold: false, oneLine: true, dotNL: false, nonGreedy: false };
  const names: string[] = [''];
  let numCap = 0;
  const top: Frame = { cap: -1, flags, alts: [], cur: [] };
  const stack: Frame[] = [top];
  const frame = (): Frame => stack[stack.length - 1]!;
  const fail = (code: string, expr: string): never => {
    throw new RegexpSyntaxError(code, expr);
  };
  const lit = (cp: number): void => {
    frame().cur.push({ t: 'lit', cp, fold: flags.fold });
  };

  let t = whole;
  let lastRepeat = '';
  while (t !== '') {
    let repeat = '';
    const c = t[0]!;
    if (c === '(') {
      if (t[1] === '?') t = perlFlags(t);
      else {
        numCap++;
        names.push('');
        stack.push({ cap: numCap, flags, alts: [], cur: [] });
        t = t.slice(1);
      }
    } else if (c === '|') {
      frame().alts.push(seq(frame().cur));
      frame().cur = [];
      t = t.slice(1);
    } else if (c === ')') {
      const f = stack.pop()!;
      if (stack.length === 0) fail(E.unexpectedParen, whole);
      f.alts.push(seq(f.cur));
      const sub = f.alts.length === 1 ? f.alts[0]! : ({ t: 'alt', subs: f.alts } as Node);
      flags = f.flags;
      frame().cur.push({ t: 'group', cap: f.cap, sub });
      t = t.slice(1);
    } else if (c === '^' || c === '$') {
      const kind = c === '^' ? (flags.oneLine ? 'bot' : 'bol') : flags.oneLine ? 'eot' : 'eol';
      frame().cur.push({ t: 'assert', kind });
      t = t.slice(1);
    } else if (c === '.') {
      frame().cur.push({ t: 'dot', nl: flags.dotNL });
      t = t.slice(1);
    } else if (c === '[') {
      t = parseClass(t);
    } else if (c === '*' || c === '+' || c === '?') {
      const before = t;
      t = applyRepeat(c === '+' ? 1 : 0, c === '?' ? 1 : -1, before, t.slice(1), lastRepeat);
      repeat = before;
    } else if (c === '{') {
      const before = t;
      const m = parseRepeat(t);
      if (m === undefined) {
        // A brace that does not start a repeat is a literal.
        lit(0x7b); // '{'
        t = t.slice(1);
      } else {
        const [min, max, after] = m;
        if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)) {
          fail(E.repeatSize, before.slice(0, before.length - after.length));
        }
        t = applyRepeat(min, max, before, after, lastRepeat, true);
        repeat = before;
      }
    } else if (c === '\\') {
      t = parseBackslash(t);
    } else {
      const rune = firstRune(t);
      lit(rune.codePointAt(0)!);
      t = t.slice(rune.length);
    }
    lastRepeat = repeat;
  }
  const last = stack.pop()!;
  if (stack.length > 0) fail(E.paren, whole);
  last.alts.push(seq(last.cur));
  const root = last.alts.length === 1 ? last.alts[0]! : ({ t: 'alt', subs: last.alts } as Node);
  return { root, numCap, names };

  // Applies * + ? or {n,m} to the last item; returns the text after the operator.
  function applyRepeat(min: number, max: number, before: string, after: string, prev: string, counted = false): string {
    let greedy = !flags.nonGreedy;
    if (after[0] === '?') {
      after = after.slice(1);
      greedy = !greedy;
    }
    // Stacked operators (a**, a{2}{3}) are an error in Go, not a doubled repeat.
    if (prev !== '') fail(E.repeatOp, prev.slice(0, prev.length - after.length));
    const cur = frame().cur;
    const sub = cur.pop();
    if (sub === undefined) fail(E.repeatArg, before.slice(0, before.length - after.length));
    const node: Node = { t: 'repeat', min, max, greedy, counted, sub: sub! };
    if (counted && (min >= 2 || max >= 2) && !repeatIsValid(node, 1000)) {
      fail(E.repeatSize, before.slice(0, before.length - after.length));
    }
    cur.push(node);
    return after;
  }

  // (?flags), (?flags:, (?P<name>, (?<name>
  function perlFlags(s: string): string {
    const startsWithP = s.length > 4 && s[2] === 'P' && s[3] === '<';
    const startsWithName = s.length > 3 && s[2] === '<';
    if (startsWithP || startsWithName) {
      const end = s.indexOf('>');
      if (end < 0) fail(E.namedCapture, s);
      const name = s.slice(startsWithP ? 4 : 3, end);
      if (!/^[0-9A-Za-z_]+$/.test(name)) fail(E.namedCapture, s.slice(0, end + 1));
      numCap++;
      names.push(name);
      stack.push({ cap: numCap, flags, alts: [], cur: [] });
      return s.slice(end + 1);
    }
    let t = s.slice(2);
    let next = { ...flags };
    let negate = false;
    let sawFlag = false;
    while (t !== '') {
      const c = firstRune(t);
      t = t.slice(c.length);
      if ('imsU'.includes(c)) {
        const on = !negate;
        if (c === 'i') next = { ...next, fold: on };
        if (c === 'm') next = { ...next, oneLine: !on };
        if (c === 's') next = { ...next, dotNL: on };
        if (c === 'U') next = { ...next, nonGreedy: on };
        sawFlag = true;
      } else if (c === '-') {
        if (negate) break;
        negate = true;
        sawFlag = false;
      } else if (c === ':' || c === ')') {
        if (negate && !sawFlag) break;
        if (c === ':') stack.push({ cap: 0, flags, alts: [], cur: [] });
        flags = next;
        return t;
      } else break;
    }
    return fail(E.perlOp, s.slice(0, s.length - t.length));
  }

  function parseBackslash(s: string): string {
    const k = s[1];
    const assert = ({ A: 'bot', b: 'wb', B: 'nwb', z: 'eot' } as const)[k as 'A'];
    if (assert) {
      frame().cur.push({ t: 'assert', kind: assert });
      return s.slice(2);
    }
    if (k === 'C') fail(E.escape, s.slice(0, 2));
    if (k === 'Q') {
      const end = s.indexOf('\\E', 2);
      const literal = end < 0 ? s.slice(2) : s.slice(2, end);
      for (const c of literal) lit(c.codePointAt(0)!);
      return end < 0 ? '' : s.slice(end + 2);
    }
    const group = classEscape(s);
    if (group) {
      frame().cur.push({ t: 'class', items: [group.item], neg: false, fold: flags.fold });
      return group.rest;
    }
    const [cp, rest] = parseEscape(s);
    lit(cp);
    return rest;
  }

  // \d \D \s \S \w \W and \pL, \p{Greek}, \PL, \p{^Greek}; undefined if s starts otherwise.
  function classEscape(s: string): { item: ClassItem; rest: string } | undefined {
    if (s[0] !== '\\') return undefined;
    const k = s[1];
    if (k !== undefined && 'dswDSW'.includes(k)) {
      return { item: { t: 'ascii', ranges: PERL[k.toLowerCase()]!, neg: k !== k.toLowerCase() }, rest: s.slice(2) };
    }
    if (k !== 'p' && k !== 'P') return undefined;
    let neg = k === 'P';
    let name: string;
    let seqText: string;
    let rest: string;
    if (s[2] === '{') {
      const end = s.indexOf('}');
      if (end < 0) fail(E.charRange, s);
      seqText = s.slice(0, end + 1);
      name = s.slice(3, end);
      rest = s.slice(end + 1);
    } else {
      // A one-letter name; at the very end the name is empty, and so invalid.
      const c = s.length > 2 ? firstRune(s.slice(2)) : '';
      seqText = s.slice(0, 2 + c.length);
      name = c;
      rest = s.slice(2 + c.length);
    }
    if (name.startsWith('^')) {
      neg = !neg;
      name = name.slice(1);
    }
    if (name !== 'Any' && !CATEGORIES.has(name) && !SCRIPTS.has(name)) fail(E.charRange, seqText);
    return { item: { t: 'unicode', name, neg }, rest };
  }

  // A single-character escape: \n, \x41, \x{263a}, \101, \. ...
  function parseEscape(s: string): [number, string] {
    let t = s.slice(1);
    if (t === '') fail(E.backslash, '');
    const c = firstRune(t);
    t = t.slice(c.length);
    const bad = (): never => fail(E.escape, s.slice(0, s.length - t.length));
    if (c.length === 1 && c < '\x80' && !/[0-9A-Za-z]/.test(c)) return [c.codePointAt(0)!, t];
    if (c >= '1' && c <= '7' && !isOctal(t[0])) bad(); // a backreference, which RE2 lacks
    if (c >= '0' && c <= '7') {
      let v = Number(c);
      for (let i = 1; i < 3 && isOctal(t[0]); i++) {
        v = v * 8 + Number(t[0]);
        t = t.slice(1);
      }
      return [v, t];
    }
    if (c === 'x') {
      if (t === '') bad();
      const first = firstRune(t);
      t = t.slice(first.length);
      if (first === '{') {
        let v = 0;
        let digits = 0;
        for (;;) {
          if (t === '') bad();
          const d = firstRune(t);
          t = t.slice(d.length);
          if (d === '}') break;
          const h = hexValue(d);
          if (h < 0) bad();
          v = v * 16 + h;
          if (v > 0x10ffff) bad();
          digits++;
        }
        if (digits === 0) bad();
        return [v, t];
      }
      if (t === '') bad();
      const second = firstRune(t);
      t = t.slice(second.length);
      const x = hexValue(first);
      const y = hexValue(second);
      if (x < 0 || y < 0) bad();
      return [x * 16 + y, t];
    }
    const simple = ({ a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 } as Record<string, number>)[c];
    if (simple !== undefined) return [simple, t];
    return bad();
  }

  // [...]: returns the text after the closing bracket.
  function parseClass(s: string): string {
    let t = s.slice(1);
    let neg = false;
    if (t[0] === '^') {
      neg = true;
      t = t.slice(1);
    }
    const items: ClassItem[] = [];
    let first = true;
    while (t === '' || t[0] !== ']' || first) {
      first = false;
      if (t.length > 2 && t[0] === '[' && t[1] === ':') {
        const end = t.indexOf(':]', 2);
        if (end >= 0) {
          const name = t.slice(0, end + 2);
          const inner = name.slice(2, -2);
          const ranges = POSIX[inner.replace(/^\^/, '')];
          if (ranges === undefined) fail(E.charRange, name);
          items.push({ t: 'ascii', ranges: ranges!, neg: inner.startsWith('^') });
          t = t.slice(end + 2);
          continue;
        }
      }
      const group = classEscape(t);
      if (group) {
        items.push(group.item);
        t = group.rest;
        continue;
      }
      const rng = t;
      let lo: number;
      [lo, t] = classChar(t, s);
      let hi = lo;
      if (t.length >= 2 && t[0] === '-' && t[1] !== ']') {
        [hi, t] = classChar(t.slice(1), s);
        if (hi < lo) fail(E.charRange, rng.slice(0, rng.length - t.length));
      }
      items.push({ t: 'range', lo, hi });
    }
    frame().cur.push({ t: 'class', items, neg, fold: flags.fold });
    return t.slice(1);
  }

  function classChar(s: string, wholeClass: string): [number, string] {
    if (s === '') fail(E.bracket, wholeClass);
    if (s[0] === '\\') return parseEscape(s);
    const c = firstRune(s);
    return [c.codePointAt(0)!, s.slice(c.length)];
  }
}

// {n}, {n,}, {n,m}: [min, max (-1 for none), rest]. Leading zeros make it a literal brace.
function parseRepeat(s: string): [number, number, string] | undefined {
  const m = /^\{(0|[1-9][0-9]*)(?:(,)(0|[1-9][0-9]*)?)?\}/.exec(s);
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === undefined ? -1 : Number(m[3]);
  return [min, max, s.slice(m[0].length)];
}

// Nested counted repeats may not multiply out to more than n copies of what they repeat.
function repeatIsValid(node: Node, n: number): boolean {
  if (node.t === 'repeat' && node.counted) {
    if (node.max === 0) return true;
    const m = node.max < 0 ? node.min : node.max;
    if (m > n) return false;
    if (m > 0) n = Math.floor(n / m);
  }
  const subs = node.t === 'concat' || node.t === 'alt' ? node.subs : 'sub' in node ? [node.sub] : [];
  return subs.every((sub) => repeatIsValid(sub, n));
}
