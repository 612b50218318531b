// Edit and go on: what a re-planned recipe means for a paused build. If only the paused
// action and later ones changed, the build takes them over from there; if an action that
// already ran changed, the build has to rewind to it first.
import { formatPos } from '../core/errors.js';
import { firstChangedStep } from '../engine/recipe/plan.js';
import type { Plan } from '../engine/recipe/plan.js';
import type { StepSource } from './view/presentation.js';

export type EditOutcome =
  | { readonly type: 'unchanged' }
  /** Take the new plan's actions from `from` (the paused one) on. */
  | { readonly type: 'adopt'; readonly from: number }
  /** Action `index`, which already ran, changed: rewinding to it is the only way to use the edit. */
  | { readonly type: 'rewind'; readonly index: number; readonly description: string };

export function decideEdit(old: Plan, next: Plan, pausedAt: number): EditOutcome {
  const earlier = firstChangedStep(old, next, pausedAt);
  if (earlier !== undefined) {
    const step = next.steps[earlier - 1] ?? old.steps[earlier - 1];
    return { type: 'rewind', index: earlier, description: step?.action.description ?? `action ${earlier}` };
  }
  const any = firstChangedStep(old, next, Math.max(old.steps.length, next.steps.length) + 1);
  return any === undefined ? { type: 'unchanged' } : { type: 'adopt', from: pausedAt };
}

export function stepSources(plan: Plan): Map<number, StepSource> {
  return new Map(plan.steps.map((s) => [s.number, { yaml: s.action.yaml, where: formatPos(s.action.where), file: s.action.file, depth: s.enclosing.length }]));
}
