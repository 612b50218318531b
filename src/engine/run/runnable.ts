// A planned step bound to its action's implementation: the debos stages of its kind with
// its properties, its cache key parts, and the artifact it makes recorded after its run.
import { HostError } from '../../core/errors.js';
import { findAction } from '../actions/index.js';
import type { PlanStep } from '../recipe/plan.js';
import type { RunnableStep } from './runner.js';
import type { StageContext } from './stage.js';

export function runnable(step: PlanStep, context: StageContext): RunnableStep {
  const def = findAction(step.action.kind);
  if (!def) throw new HostError(`no implementation for action ${step.action.kind}`);
  const params = step.action.params;
  const bind = (stage: keyof typeof def) => {
    const fn = def[stage] as ((p: unknown, c: StageContext) => Promise<void>) | undefined;
    return fn ? (ctx: StageContext) => fn.call(def, params, ctx) : undefined;
  };
  const stages: RunnableStep['stages'] = {};
  const used = def.stagesFor?.(params);
  for (const stage of ['preMachine', 'preNoMachine', 'run', 'cleanup', 'postMachine', 'postMachineCleanup'] as const) {
    const fn = bind(stage);
    if (fn && (!used || used.includes(stage))) stages[stage] = fn;
  }
  const made = def.artifact?.(params);
  const file = made && context.artifactPath(made.name);
  const run = stages.run;
  if (made && file && run) {
    stages.run = async (ctx) => {
      await run(ctx);
      await ctx.artifactMade(file, made.tree);
    };
  }
  return {
    index: step.number,
    kind: step.action.kind,
    description: step.action.description,
    makesImage: def.image !== undefined,
    // The description only names the action: changing it changes nothing in the root.
    params: JSON.stringify({ ...params, description: undefined }),
    cacheEffect: async () => {
      const effect = def.cacheEffect ? await def.cacheEffect(params, context) : 'unknown';
      // The artifact it makes, and its manifests, must be there as it wrote them for a
      // cached result to stand for a run.
      if (!file || effect === 'unknown' || !('leavesRoot' in effect)) return effect;
      return { ...effect, artifacts: [...effect.artifacts, file, ...context.manifestsOf(file)] };
    },
    context,
    stages,
  };
}
