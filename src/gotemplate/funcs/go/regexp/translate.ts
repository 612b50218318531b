// Turns a parsed Go regular expression into an equivalent JavaScript RegExp (flag v, so
// classes can nest). Go's matching is leftmost-first like JavaScript's, so the same pattern
// finds the same matches once the syntax differences are spelled out:
// - \d \s \w \b are ASCII in both, but Go's \s has no \v and its . excludes only \n;
// - (?m) ^ and $ break lines at \n only;
// - case folding can be switched on and off mid-pattern in Go, which JavaScript 20 cannot:
//   a pattern folded throughout uses the i flag, a mixed one spells out each character's
//   case variants (Unicode's simple folding, found with JavaScript's own i flag).
import { CATEGORIES } from './classes.js';
import type { ClassItem, Node, Parsed } from './syntax.js';

export interface Translated {
  readonly source: string;
  readonly flags: string;
}

const u = (cp: number): string => `\\u{${cp.toString(16)}}`;

function literalText(cp: number): string {
  return /^[0-9A-Za-z_]$/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : u(cp);
}

// Fold state of every literal and class: all folded, none, or mixed.
function foldUse(node: Node, seen: Set<boolean>): void {
  if (node.t === 'lit' || node.t === 'class') seen.add(node.fold);
  if (node.t === 'concat' || node.t === 'alt') node.subs.forEach((s) => foldUse(s, seen));
  if (node.t === 'group' || node.t === 'repeat') foldUse(node.sub, seen);
}

let extras: Map<number, number[]> | undefined;

// Characters whose case mapping leads to a letter that does not map back to them (the Kelvin
// sign K and k, long s ſ and S): found once by scanning the planes that have cased letters.
function foldExtras(): Map<number, number[]> {
  if (extras) return extras;
  extras = new Map();
  const single = (s: string): number | undefined => ([...s].length === 1 ? s.codePointAt(0) : undefined);
  for (let cp = 0; cp < 0x20000; cp++) {
    if (cp >= 0xd800 && cp < 0xe000) continue;
    const c = String.fromCodePoint(cp);
    for (const [there, back] of [[c.toUpperCase(), 'toLowerCase'], [c.toLowerCase(), 'toUpperCase']] as const) {
      const t = single(there);
      if (t === undefined || t === cp) continue;
      if (single(String.fromCodePoint(t)[back]()) !== cp) {
        const list = extras.get(t) ?? [];
        list.push(cp);
        extras.set(t, list);
      }
    }
  }
  return extras;
}

/** The code points that match cp when case is ignored, cp first. */
export function foldOrbit(cp: number): number[] {
  const same = new RegExp(`^${u(cp)}$`, 'iu');
  const found = new Set([cp]);
  const queue = [cp];
  while (queue.length > 0) {
    const x = queue.pop()!;
    const c = String.fromCodePoint(x);
    const next = [c.toUpperCase(), c.toLowerCase()]
      .filter((s) => [...s].length === 1)
      .map((s) => s.codePointAt(0)!)
      .concat(foldExtras().get(x) ?? []);
    for (const n of next) {
      if (!found.has(n) && same.test(String.fromCodePoint(n))) {
        found.add(n);
        queue.push(n);
      }
    }
  }
  return [...found];
}

// Ranges wider than this are left unfolded in mixed-fold patterns: they already span most
// cased letters, and folding them one by one would be slow.
const MAX_FOLDED_RANGE = 0x3000;

function rangeText(lo: number, hi: number): string {
  return lo === hi ? u(lo) : `${u(lo)}-${u(hi)}`;
}

function classItemText(item: ClassItem, fold: boolean): string {
  switch (item.t) {
    case 'range': {
      let text = rangeText(item.lo, item.hi);
      if (fold && item.hi - item.lo <= MAX_FOLDED_RANGE) {
        for (let cp = item.lo; cp <= item.hi; cp++) {
          for (const f of foldOrbit(cp)) if (f < item.lo || f > item.hi) text += u(f);
        }
      }
      return text;
    }
    case 'ascii': {
      const inner = item.ranges.map(([lo, hi]) => classItemText({ t: 'range', lo, hi }, fold)).join('');
      return item.neg ? `[^${inner}]` : inner;
    }
    case 'unicode': {
      let inner: string;
      if (item.name === 'Any') inner = rangeText(0, 0x10ffff);
      // Go's C is Cc, Cf, Co and Cs; JavaScript's also holds unassigned code points.
      else if (item.name === 'C') inner = '\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}';
      else if (CATEGORIES.has(item.name)) return `\\${item.neg ? 'P' : 'p'}{${item.name}}`;
      else return `\\${item.neg ? 'P' : 'p'}{Script=${item.name}}`;
      return item.neg ? `[^${inner}]` : `[${inner}]`;
    }
  }
}

/** JavaScript source for a parsed Go regexp. */
export function translate(parsed: Parsed): Translated {
  const seen = new Set<boolean>();
  foldUse(parsed.root, seen);
  const uniform = seen.size < 2;
  const globalFold = uniform && seen.has(true);
  // Per-node folding only when the pattern mixes folded and unfolded parts.
  const foldHere = (fold: boolean): boolean => fold && !uniform;

  function emit(node: Node): string {
    switch (node.t) {
      case 'lit': {
        if (!foldHere(node.fold)) return literalText(node.cp);
        const orbit = foldOrbit(node.cp);
        return orbit.length === 1 ? literalText(node.cp) : `[${orbit.map(u).join('')}]`;
      }
      case 'class':
        return `[${node.neg ? '^' : ''}${node.items.map((i) => classItemText(i, foldHere(node.fold))).join('')}]`;
      case 'dot':
        return node.nl ? `[${rangeText(0, 0x10ffff)}]` : '[^\\n]';
      case 'assert':
        return {
          bot: '^',
          eot: '$',
          bol: '(?<![^\\n])',
          eol: '(?![^\\n])',
          wb: '\\b',
          nwb: '\\B',
        }[node.kind];
      case 'group':
        return `(${node.cap === 0 ? '?:' : ''}${emit(node.sub)})`;
      case 'concat':
        return node.subs.map(emit).join('');
      case 'alt':
        return node.subs.map(emit).join('|');
      case 'repeat': {
        const sub = node.sub;
        const atom = sub.t === 'lit' || sub.t === 'class' || sub.t === 'dot' || sub.t === 'group';
        const body = atom ? emit(sub) : `(?:${emit(sub)})`;
        const count =
          node.min === 0 && node.max === -1 ? '*'
          : node.min === 1 && node.max === -1 ? '+'
          : node.min === 0 && node.max === 1 ? '?'
          : node.max === -1 ? `{${node.min},}`
          : node.min === node.max ? `{${node.min}}`
          : `{${node.min},${node.max}}`;
        return body + count + (node.greedy ? '' : '?');
      }
    }
  }

  return { source: emit(parsed.root), flags: globalFold ? 'gvi' : 'gv' };
}
