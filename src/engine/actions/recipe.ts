/**
 * recipe: include the actions of another recipe, in place.
 *
 * ```yaml
 * - action: recipe
 *   recipe: base/debian.yaml
 *   variables:
 *     suite: bookworm
 * ```
 *
 * - `recipe` (required): the recipe file, relative to this recipe; it must exist and be
 *   for the same architecture.
 * - `variables`: template variables for it. It also sees this recipe's variables (debos
 *   drops them; see debos issue 449) and `architecture`, set to this recipe's.
 *
 * Paths inside the included recipe (scripts, overlays, origin `recipe`) are relative to
 * its own directory.
 */
import { defineAction } from './action.js';
import { mapping, str, strMap } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';

export const recipe = defineAction({
  kind: 'recipe',
  schema: mapping({
    ...actionFields('recipe'),
    recipe: str(),
    variables: strMap().default({}),
  }),
  files: (p, ctx) => [{ property: 'recipe', path: inRecipeDir(ctx, p.recipe), kind: 'file' }],
});
