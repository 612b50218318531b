// debstep matrix: the build matrix of a recipe over -t axes, for a CI engine to fan out
// (GitHub Actions strategy.matrix, GitLab parallel:matrix, or a JSON list of builds).
// Every combination is loaded and checked as `check` would, so a matrix that cannot
// build fails here, before any runner starts.
import { planRecipe } from '../engine/recipe/plan.js';
import { varsRead } from '../engine/recipe/vars-read.js';
import { combinations, formatMatrix, type MatrixFormat, parseAxes } from './matrix-format.js';
import type { ParsedArgs } from './options.js';
import { recipeArg } from './recipe-arg.js';

export async function run({ options, positionals }: ParsedArgs): Promise<number> {
  const file = recipeArg('matrix', positionals);
  const axes = parseAxes(options.templateVars);
  const names = [...axes.keys()];
  const read = new Set<string>();
  const notPassed = new Set<string>();
  for (const vars of combinations(axes)) {
    const label = Object.entries(vars).map(([k, v]) => `${k}:${v}`).join(' ');
    const plan = await planRecipe(file, { vars: new Map(Object.entries(vars)), strict: options.strict }).catch((err: unknown) => {
      process.stderr.write(`the build with -t ${label} does not check:\n`);
      throw err;
    });
    const found = await varsRead(plan.recipe, names);
    for (const name of found.read) read.add(name);
    for (const name of found.notPassed) notPassed.add(name);
  }
  for (const name of names.filter((n) => !read.has(n))) {
    // A sub-recipe sees only `architecture` and its recipe action's variables, as in debos.
    const why = notPassed.has(name) ? ' (a sub-recipe reads it, but no recipe action passes it on)' : '';
    process.stderr.write(`warning: the recipe reads no template variable "${name}"${why}: every build of that axis would be the same\n`);
  }
  process.stdout.write(formatMatrix(axes, (options.format ?? 'github') as MatrixFormat));
  return 0;
}
