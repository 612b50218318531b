// What every action's schema and checks share.
import { resolve } from 'node:path';
import { z } from 'zod';
import { str } from '../recipe/properties.js';
import { type VerifyContext } from '../action.js';

/** The keys every debos action has: `action` (its kind) and an optional `description`. */
export const actionFields = <K extends string>(kind: K) => ({
  action: z.literal(kind),
  description: str().optional(),
});

/** debos resolves a relative path a recipe names against the recipe's directory. */
export function inRecipeDir(ctx: VerifyContext, path: string): string {
  return resolve(ctx.recipeDir, path);
}
