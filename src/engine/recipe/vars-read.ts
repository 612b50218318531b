// Which template variables a recipe reads: a variable is read when rendering the recipe
// (or one of its sub-recipes, with the variables it was loaded with) without it records it
// as a missing key. `debstep matrix` warns about -t names no recipe file reads.
import { basename, join } from 'node:path';
import { type Recipe, renderRecipeFile } from './load.js';

function* recipes(r: Recipe): Generator<Recipe> {
  yield r;
  for (const a of r.actions) if (a.kind === 'recipe') yield* recipes(a.child);
}

/** The names among `names` that `recipe` or a sub-recipe reads. */
export async function varsRead(recipe: Recipe, names: readonly string[]): Promise<Set<string>> {
  const read = new Set<string>();
  for (const r of recipes(recipe)) {
    for (const name of names) {
      if (read.has(name)) continue;
      const without = new Map([...r.vars].filter(([k]) => k !== name));
      const { rendered } = await renderRecipeFile(join(r.dir, basename(r.file)), without);
      if (rendered.missingKeys.some((m) => m.key === name)) read.add(name);
    }
  }
  return read;
}
