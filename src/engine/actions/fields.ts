// What every action's schema and checks share.
import { join, posix, resolve } from 'node:path';
import { PropertyError } from './action.js';
import { z } from 'zod';
import { str } from '../recipe/properties.js';
import type { VerifyContext } from './action.js';

/** The keys every debos action has: `action` (its kind) and an optional `description`. */
export const actionFields = <K extends string>(kind: K) => ({
  action: z.literal(kind),
  description: str().optional(),
});

/**
 * Where an artifact a recipe names goes: joined under the artifact directory, as debos
 * joins it (path.Join), so `/abs/x` is `ARTIFACTDIR/abs/x`.
 */
export function artifactPath(artifactDir: string, name: string): string {
  return join(artifactDir, name);
}

/** Throws unless `name` stays below the artifact directory once joined to it. */
export function checkArtifactName(property: string, name: string): void {
  const inside = posix.normalize(`./${name}`);
  if (inside === '.' || inside === './' || inside === '..' || inside.startsWith('../')) {
    const what = inside.startsWith('..') ? 'leads out of the artifact directory' : 'names the artifact directory itself, not a file in it';
    throw new PropertyError(property, `${property} "${name}" ${what}`, `name a file under the artifact directory, like ${posix.basename(name) || 'image.img'}`);
  }
}

/** debos resolves a relative path a recipe names against the recipe's directory. */
export function inRecipeDir(ctx: VerifyContext, path: string): string {
  return resolve(ctx.recipeDir, path);
}

/** A file named relative to an origin, as debos joins them (path.Join): `source: /u-boot.bin`
 * with origin `recipe` is in the recipe's directory, not at the host's root. */
export function inOrigin(originDir: string, path: string): string {
  return join(originDir, path);
}
