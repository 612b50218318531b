// sprig's env and expandenv: the environment debstep runs in. Like debos, a recipe rendered
// on the host and again inside the build VM may see different values.
import type { GoFunc } from '../../value.js';
import { asString, defineFunc } from '../define.js';

const getenv = (name: string): string => process.env[name] ?? '';

const isSpecial = (c: string | undefined): boolean => c !== undefined && '*#$@!?-0123456789'.includes(c);

// os.Expand's getShellName: the variable name after a '$' and how many characters it took.
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && isSpecial(s[1]) && s[2] === '}') return [s.slice(1, 2), 3];
    const close = s.indexOf('}', 1);
    if (close === 1) return ['', 2]; // "${}" is bad syntax and is dropped
    if (close < 0) return ['', 1]; // so is an unclosed "${"
    return [s.slice(1, close), close + 1];
  }
  if (isSpecial(s[0])) return [s.slice(0, 1), 1];
  const name = /^[A-Za-z0-9_]*/.exec(s)?.[0] ?? '';
  return [name, name.length];
}

/** os.ExpandEnv: $NAME and ${NAME} replaced by their values, unset ones by nothing. */
export function expandEnv(s: string): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] !== '$' || j + 1 >= s.length) continue;
    out += s.slice(i, j);
    const [name, width] = shellName(s.slice(j + 1));
    // A '$' followed by no name at all stays as it is.
    if (name === '' && width === 0) out += '$';
    else if (name !== '') out += getenv(name);
    j += width;
    i = j + 1;
  }
  return out + s.slice(i);
}

export const osFuncs: readonly GoFunc[] = [
  defineFunc('env', 'func(key string) string', (key) => getenv(asString(key))),
  defineFunc('expandenv', 'func(s string) string', (s) => expandEnv(asString(s))),
];
