// Shell-style globs (* ? [...]) over a directory tree, as Go's filepath.Glob does them:
// the pattern is matched segment by segment, results sorted, hidden files not special.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const MAGIC = /[*?[]/;

/** A RegExp for one path segment of a glob. */
export function segmentRegExp(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        const body = segment.slice(i + 1, end).replace(/^\^/, '!');
        re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Paths under `dir` matching `pattern` (relative, '/'-separated), sorted. */
export async function glob(dir: string, pattern: string): Promise<string[]> {
  let matches = [dir];
  for (const segment of pattern.split('/').filter((s) => s !== '' && s !== '.')) {
    const next: string[] = [];
    for (const base of matches) {
      if (!MAGIC.test(segment)) {
        next.push(join(base, segment));
        continue;
      }
      const re = segmentRegExp(segment);
      // A directory that is not there (or not a directory) matches nothing, as in a shell.
      const names = await readdir(base).catch(() => [] as string[]);
      for (const name of names.sort()) if (re.test(name)) next.push(join(base, name));
    }
    matches = next;
  }
  const exists = await Promise.all(matches.map((m) => lstat(m).then(() => true, () => false)));
  return matches.filter((_, i) => exists[i]);
}
