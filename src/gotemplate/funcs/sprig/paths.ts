// sprig's path functions: Go's path package (slash-separated, purely lexical) and its
// path/filepath twins, which on Linux behave the same. Node's path.posix differs in corner
// cases (normalize keeps a trailing slash and turns "" into "."), so Go's rules are written out.
import type { GoFunc } from '../../value.js';
import { asString, defineFunc } from '../define.js';

/** path.Clean: the shortest equivalent path, by purely lexical processing. */
export function clean(path: string): string {
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const element of path.split('/')) {
    if (element === '' || element === '.') continue;
    if (element !== '..') out.push(element);
    else if (out.length > 0 && out.at(-1) !== '..') out.pop();
    // Above the root ".." stays at the root; in a relative path it is kept.
    else if (!rooted) out.push('..');
  }
  const joined = (rooted ? '/' : '') + out.join('/');
  return joined === '' ? '.' : joined;
}

function base(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

const dir = (path: string): string => clean(path.slice(0, path.lastIndexOf('/') + 1));

function ext(path: string): string {
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot < 0 ? '' : last.slice(dot);
}

const isAbs = (path: string): boolean => path.startsWith('/');

// filepath.Abs; sprig drops its error, which Getwd alone could cause.
const abs = (path: string): string => clean(isAbs(path) ? path : `${process.cwd()}/${path}`);

const stringFunc = (name: string, impl: (p: string) => string): GoFunc =>
  defineFunc(name, 'func(path string) string', (p) => impl(asString(p)));

const boolFunc = (name: string, impl: (p: string) => boolean): GoFunc =>
  defineFunc(name, 'func(path string) bool', (p) => impl(asString(p)));

export const pathFuncs: readonly GoFunc[] = [
  stringFunc('base', base),
  stringFunc('dir', dir),
  stringFunc('clean', clean),
  stringFunc('ext', ext),
  boolFunc('isAbs', isAbs),
  stringFunc('osBase', base),
  stringFunc('osDir', dir),
  stringFunc('osClean', clean),
  stringFunc('osExt', ext),
  boolFunc('osIsAbs', isAbs),
  stringFunc('osAbs', abs),
];
