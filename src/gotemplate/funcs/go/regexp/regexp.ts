// Go's regexp package over JavaScript's engine: Compile with Go's syntax and errors, and the
// match loops (FindAll, ReplaceAll, Split) with Go's rules for empty matches, which differ
// from String#matchAll and String#replace.
import { canBackquote, quote } from '../../../fmt/quote.js';
import { parseRegexp } from './syntax.js';
import { translate } from './translate.js';

export class GoRegexp {
  constructor(
    /** The Go expression it was compiled from. */
    readonly expr: string,
    private readonly re: RegExp,
    /** Capture group names by group number. */
    readonly names: readonly string[],
  ) {}

  /** The leftmost match at or after pos: [start, end] of the match and of each group (-1 if unset). */
  exec(s: string, pos: number): number[] | undefined {
    this.re.lastIndex = pos;
    const m = this.re.exec(s);
    if (!m) return undefined;
    const out = [m.index, m.index + m[0].length];
    // Group offsets come from the d flag; without it only the texts are known.
    const indices = (m as RegExpExecArray & { indices?: Array<[number, number] | undefined> }).indices;
    for (let g = 1; g < this.names.length; g++) {
      const span = indices?.[g];
      out.push(span ? span[0] : -1, span ? span[1] : -1);
    }
    return out;
  }

  matchString(s: string): boolean {
    return this.exec(s, 0) !== undefined;
  }

  /** Go's allMatches: up to n matches (all if n < 0); an empty match right after a match is skipped. */
  allMatches(s: string, n: number): number[][] {
    const out: number[][] = [];
    let prevEnd = -1;
    for (let pos = 0; (n < 0 || out.length < n) && pos <= s.length; ) {
      const m = this.exec(s, pos);
      if (!m) break;
      const [start = 0, end = 0] = m;
      let accept = true;
      if (end === pos) {
        if (start === prevEnd) accept = false;
        pos += runeWidth(s, pos);
      } else pos = end;
      prevEnd = end;
      if (accept) out.push(m);
    }
    return out;
  }

  /** ReplaceAllString-style replacement; repl builds each replacement from the match. */
  replaceAll(s: string, repl: (m: number[]) => string): string {
    let out = '';
    let lastEnd = 0;
    let searchPos = 0;
    while (searchPos <= s.length) {
      const m = this.exec(s, searchPos);
      if (!m) break;
      const [start = 0, end = 0] = m;
      out += s.slice(lastEnd, start);
      // No replacement for an empty match right after the previous match.
      if (end > lastEnd || start === 0) out += repl(m);
      lastEnd = end;
      const width = runeWidth(s, searchPos);
      searchPos = searchPos + width > end ? searchPos + width : end;
    }
    return out + s.slice(lastEnd);
  }

  /** Regexp.Split. */
  split(s: string, n: number): string[] | undefined {
    if (n === 0) return undefined;
    if (this.expr.length > 0 && s.length === 0) return [''];
    const parts: string[] = [];
    let beg = 0;
    let end = 0;
    for (const [start = 0, stop = 0] of this.allMatches(s, n)) {
      if (n > 0 && parts.length === n - 1) break;
      end = start;
      if (stop !== 0) parts.push(s.slice(beg, end));
      beg = stop;
    }
    if (end !== s.length) parts.push(s.slice(beg));
    return parts;
  }

  /** Regexp.Expand: $1, ${1}, $name, ${name} and $$ in a replacement template. */
  expand(template: string, s: string, m: number[]): string {
    let out = '';
    for (;;) {
      const dollar = template.indexOf('$');
      if (dollar < 0) break;
      out += template.slice(0, dollar);
      template = template.slice(dollar + 1);
      if (template.startsWith('$')) {
        out += '$';
        template = template.slice(1);
        continue;
      }
      const ref = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(template);
      if (!ref) {
        out += '$';
        continue;
      }
      template = template.slice(ref[0].length);
      const name = ref[1] ?? ref[2] ?? '';
      const num = /^(0|[1-9][0-9]{0,8})$/.test(name) ? Number(name) : -1;
      const group = num >= 0 ? num : this.names.findIndex((n, i) => i > 0 && n === name && (m[2 * i] ?? -1) >= 0);
      const start = m[2 * group] ?? -1;
      if (group >= 0 && start >= 0) out += s.slice(start, m[2 * group + 1]);
    }
    return out + template;
  }
}

function runeWidth(s: string, pos: number): number {
  const cp = s.codePointAt(pos);
  return cp !== undefined && cp > 0xffff ? 2 : 1;
}

const cache = new Map<string, GoRegexp>();

/** regexp.Compile; throws RegexpSyntaxError with Go's message. */
export function compile(expr: string): GoRegexp {
  let re = cache.get(expr);
  if (!re) {
    const parsed = parseRegexp(expr);
    const { source, flags } = translate(parsed);
    re = new GoRegexp(expr, new RegExp(source, `${flags}d`), parsed.names);
    cache.set(expr, re);
  }
  return re;
}

/** The message regexp.MustCompile panics with. */
export function mustCompileMessage(expr: string, err: Error): string {
  const q = canBackquote(expr) ? `\`${expr}\`` : quote(expr);
  return `regexp: Compile(${q}): ${err.message}`;
}

/** regexp.QuoteMeta. */
export const quoteMeta = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
