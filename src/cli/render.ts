// debstep render: the rendered template on stdout, byte for byte, and nothing else.
import { renderRecipeFile } from '../engine/recipe/load.js';
import { type ParsedArgs, templateVars } from './options.js';
import { recipeArg } from './recipe-arg.js';

export async function run({ options, positionals }: ParsedArgs): Promise<number> {
  const file = recipeArg('render', positionals);
  const { rendered } = await renderRecipeFile(file, templateVars(options));
  process.stdout.write(rendered.text);
  return 0;
}
