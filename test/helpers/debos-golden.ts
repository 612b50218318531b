// Reading what debos printed for a recipe (`--dry-run --print-recipe --verbose`, log lines
// marked "@ ", see test/fixtures/wild/make-goldens.sh): the rendered text of each recipe
// file it parsed, and the actions of each, in the order debos parsed them.

export interface DebosParse {
  /** The recipe file, absolute, with the fixture directory written `<wild>`. */
  readonly file: string;
  /** The rendered text as log.Printf printed it: a newline is added when it has none. */
  readonly text: string;
  /** The kinds of its actions as debos's verbose dump lists them. */
  readonly kinds: readonly string[];
}

const RECIPE = /^@ Recipe '(.*)':$/;
const ACTION = /^@ {3}- Action: ([\w-]+), Description: /;

/** The recipes of a golden log, in the order debos parsed them (depth first, as it verifies). */
export function debosParses(log: string): DebosParse[] {
  const lines = log.split('\n');
  const parses: { file: string; text: string; kinds: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = RECIPE.exec(lines[i]!);
    if (m) {
      const text = [lines[++i]!.replace(/^@ /, '')];
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('@ ')) text.push(lines[++i]!);
      parses.push({ file: m[1]!, text: `${text.join('\n')}\n`, kinds: [] });
      continue;
    }
    const action = ACTION.exec(lines[i]!);
    if (action) parses.at(-1)!.kinds.push(action[1]!);
  }
  return parses;
}

/** The actions debos runs, sub-recipes inlined: a `recipe` action takes the next parse. */
export function debosPlan(parses: readonly DebosParse[]): string[] {
  let next = 0;
  const inline = (): string[] => parses[next++]!.kinds.flatMap((kind) => (kind === 'recipe' ? inline() : [kind]));
  const plan = inline();
  if (next !== parses.length) throw new Error(`${parses.length - next} recipe parse(s) left over`);
  return plan;
}

/** A rendered text as debos's log shows it. */
export function asLogged(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
