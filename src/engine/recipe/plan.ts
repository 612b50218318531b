// The plan: the actions of a recipe in the order they run, sub-recipes inlined, numbered
// from 1. This is what `check` prints and what the debugger steps through.
import { formatPos } from '../../core/errors.js';
import type { StepInfo } from '../../core/events.js';
import { loadRecipe, type LoadedAction, type LoadOptions, type Recipe, type RecipeWarning } from './load.js';

/** An action that does work itself (every kind but `recipe`). */
export type LeafAction = Exclude<LoadedAction, { kind: 'recipe' }>;

/** A `recipe` action: it only includes its sub-recipe's actions. */
export type IncludeAction = Extract<LoadedAction, { kind: 'recipe' }>;

export interface PlanStep {
  /** 1-based position in the whole build. */
  readonly number: number;
  readonly action: LeafAction;
  /** The recipe actions it is included through, outermost first; empty at top level. */
  readonly enclosing: readonly IncludeAction[];
}

export interface Plan {
  readonly recipe: Recipe;
  readonly steps: readonly PlanStep[];
  readonly warnings: readonly RecipeWarning[];
}

export function flattenRecipe(recipe: Recipe): PlanStep[] {
  const steps: PlanStep[] = [];
  const visit = (r: Recipe, enclosing: readonly IncludeAction[]) => {
    for (const action of r.actions) {
      if (action.kind === 'recipe') visit(action.child, [...enclosing, action]);
      else steps.push({ number: steps.length + 1, action, enclosing });
    }
  };
  visit(recipe, []);
  return steps;
}

/**
 * Loads and checks a recipe (see loadRecipe) and flattens it. Origins are checked in this
 * same order while loading: a download's name is an origin for the steps after it.
 */
export async function planRecipe(file: string, opts: LoadOptions = {}): Promise<Plan> {
  const { recipe, warnings } = await loadRecipe(file, opts);
  return { recipe, steps: flattenRecipe(recipe), warnings };
}

/** The first step before `before` whose action differs between two plans of a recipe. */
export function firstChangedStep(old: Plan, next: Plan, before: number): number | undefined {
  for (let n = 1; n < before; n++) {
    const a = old.steps[n - 1]?.action;
    const b = next.steps[n - 1]?.action;
    if (!a || !b || a.kind !== b.kind || a.yaml !== b.yaml || a.recipeDir !== b.recipeDir) return n;
  }
  return undefined;
}

/** What events say about a planned step. */
export function stepInfo(step: PlanStep): StepInfo {
  return { index: step.number, kind: step.action.kind, description: step.action.description, where: formatPos(step.action.where) };
}

/** The recipe's warnings as build events carry them: each in the log of the step written
 * where it points (the last step starting at or before it in the same file), else the first. */
export function warningEvents(plan: Plan): { index: number; message: string }[] {
  return plan.warnings.map((w) => {
    const at = w.where;
    const step = at && plan.steps.findLast(({ action: { where } }) => where.file === at.file && where.line <= at.line);
    const text = `${at ? `${formatPos(at)}: ` : ''}${w.message}${w.hint ? `; ${w.hint}` : ''}`;
    return { index: (step || plan.steps[0])?.number ?? 1, message: text };
  });
}
