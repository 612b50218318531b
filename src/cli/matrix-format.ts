// The build matrix of `debstep matrix`: -t NAME:V1,V2 axes, their combinations, and the
// forms CI engines take them in. Pure, so the CI examples' tests compare against it.
import yaml from 'js-yaml';
import { UsageError } from '../core/errors.js';
import { splitVar } from '../engine/recipe/vars.js';

export type MatrixFormat = 'github' | 'gitlab' | 'json';

/** Axis name to values, in the order given; a repeated -t NAME adds values to its axis. */
export type Axes = ReadonlyMap<string, readonly string[]>;

export function parseAxes(specs: readonly string[]): Axes {
  const axes = new Map<string, string[]>();
  for (const spec of specs) {
    const [name, list] = splitVar(spec);
    const values = list.split(',').filter((v) => v !== '');
    if (name === '' || values.length === 0) throw new UsageError(`-t ${spec}: a matrix axis is NAME:VALUE[,VALUE...]`, { hint: 'e.g. -t architecture:amd64,arm64' });
    const axis = axes.get(name) ?? [];
    for (const v of values) if (!axis.includes(v)) axis.push(v);
    axes.set(name, axis);
  }
  if (axes.size === 0) throw new UsageError('no matrix axes given', { hint: 'debstep matrix RECIPE -t NAME:VALUE[,VALUE...]...' });
  return axes;
}

/** Every combination, the first axis varying slowest (as GitHub Actions expands them). */
export function combinations(axes: Axes): Record<string, string>[] {
  let rows: Record<string, string>[] = [{}];
  for (const [name, values] of axes) rows = rows.flatMap((row) => values.map((v) => ({ ...row, [name]: v })));
  return rows;
}

/** The axes as an object of lists: a GitHub `strategy.matrix` and one GitLab matrix entry. */
function axesObject(axes: Axes): Record<string, string[]> {
  return Object.fromEntries([...axes].map(([k, v]) => [k, [...v]]));
}

export function formatMatrix(axes: Axes, format: MatrixFormat): string {
  switch (format) {
    case 'github':
      // One line, for `echo "matrix=$(debstep matrix ...)" >> "$GITHUB_OUTPUT"` and fromJSON.
      return `${JSON.stringify(axesObject(axes))}\n`;
    case 'gitlab':
      return yaml.dump({ parallel: { matrix: [axesObject(axes)] } }, { flowLevel: 3 });
    case 'json':
      // One build per line: readable in a log, and still one JSON document.
      return `[\n${combinations(axes).map((row) => `  ${JSON.stringify(row)}`).join(',\n')}\n]\n`;
  }
}
