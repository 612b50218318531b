// Which template variables a recipe reads: a variable is read when rendering the recipe
// without it records it as a missing key. `debstep matrix` warns about -t names no recipe
// file reads. Only the top recipe sees the -t variables: a sub-recipe sees `architecture`
// and its recipe action's `variables` (as in debos), so a -t name reaches it only through
// what its parent's text passes on, and the parent's render reads it then.
import { basename, join } from 'node:path';
import { type Recipe, renderRecipeFile } from './load.js';

function* subRecipes(r: Recipe): Generator<Recipe> {
  for (const a of r.actions) {
    if (a.kind !== 'recipe') continue;
    yield a.child;
    yield* subRecipes(a.child);
  }
}

async function reads(r: Recipe, name: string): Promise<boolean> {
  const without = new Map([...r.vars].filter(([k]) => k !== name));
  const { rendered } = await renderRecipeFile(join(r.dir, basename(r.file)), without);
  return rendered.missingKeys.some((m) => m.key === name);
}

export interface VarsRead {
  /** The names among `names` that the build reads. */
  readonly read: Set<string>;
  /** Names not read, which a sub-recipe reads though no recipe action passes them on. */
  readonly notPassed: Set<string>;
}

export async function varsRead(recipe: Recipe, names: readonly string[]): Promise<VarsRead> {
  const read = new Set<string>();
  const notPassed = new Set<string>();
  for (const name of names) if (await reads(recipe, name)) read.add(name);
  for (const r of subRecipes(recipe)) {
    for (const name of names) {
      if (read.has(name) || notPassed.has(name) || r.vars.has(name)) continue;
      if (await reads(r, name)) notPassed.add(name);
    }
  }
  return { read, notPassed };
}
