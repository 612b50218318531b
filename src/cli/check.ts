// debstep check: validate the recipe and print the numbered, flattened plan and warnings.
import { formatPos } from '../core/errors.js';
import { planRecipe, type Plan } from '../engine/recipe/plan.js';
import { type ParsedArgs, templateVars } from './options.js';
import { recipeArg } from './recipe-arg.js';

/** The plan as check prints it: one line per action, numbered as debug --break counts. */
export function formatPlan(plan: Plan): string {
  const { recipe, steps } = plan;
  const rows = steps.map((s) => {
    const depth = s.enclosing.length;
    const title = `${'  '.repeat(depth)}${depth ? '↳ ' : ''}${s.action.description}`;
    return [String(s.number), s.action.kind, title, formatPos(s.action.where)] as const;
  });
  const width = (i: 0 | 1 | 2) => Math.max(0, ...rows.map((r) => r[i].length));
  const lines = rows.map((r) => `  ${r[0].padStart(width(0))}  ${r[1].padEnd(width(1))}  ${r[2].padEnd(width(2))}  ${r[3]}`);
  const count = `${steps.length} action${steps.length === 1 ? '' : 's'}`;
  return `${recipe.file}: ${recipe.architecture}, ${count}\n${lines.join('\n')}\n`;
}

export function formatWarnings(plan: Plan): string {
  return plan.warnings
    .map((w) => `warning: ${w.where ? `${formatPos(w.where)}: ` : ''}${w.message}\n${w.hint ? `hint: ${w.hint}\n` : ''}`)
    .join('');
}

export async function run({ options, positionals }: ParsedArgs): Promise<number> {
  const file = recipeArg('check', positionals);
  const plan = await planRecipe(file, { vars: templateVars(options), strict: options.strict });
  process.stdout.write(formatPlan(plan));
  process.stderr.write(formatWarnings(plan));
  return 0;
}
