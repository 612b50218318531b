// Runs the planned actions through debos's stages: preMachine or preNoMachine for all,
// then each action's run with its cleanup deferred (cleanups run last-in first-out, also
// after a failure), then postMachine for all, then postMachineCleanup in reverse. Before
// each action the root gets a fresh layer, so a retry starts from the root as it was.
import { type Machine } from '../../vm/machine.js';
import { ActionFailure } from '../../core/errors.js';
import { type EventBus, type Stage } from '../../core/events.js';
import { type StageContext } from './stage.js';
import { type Reusable, type Reuse } from '../cache/reuse.js';
import { type LazyRoot } from '../workspace/lazy-root.js';
import { type Workspace } from '../workspace/workspace.js';

/** One planned action with its stages bound to its properties. */
export interface RunnableStep extends Reusable {
  readonly description: string;
  /** It makes a disk image (image-partition), which later actions change in place. */
  readonly makesImage?: boolean;
  readonly context: StageContext;
  readonly stages: Partial<Record<Exclude<Stage, 'verify'>, (ctx: StageContext) => Promise<void>>>;
}

/** What the controller answers before an action and after a failure. */
export type Decision =
  /** Run the action (before it), or run it again (after its failure). */
  | { readonly do: 'run' }
  | { readonly do: 'skip' }
  | { readonly do: 'abort' }
  /** Undo the actions from `to` on (cleanups, root layers) and go on from `to`. */
  | { readonly do: 'rewind'; readonly to: number };

/** The debugger's say in the run; a plain build runs everything and stops at a failure. */
export interface Control {
  beforeAction(index: number): Promise<Decision>;
  afterFailure(index: number, error: ActionFailure): Promise<Decision>;
  /** Told when an action starts running, with the way to interrupt its command. */
  onRunning?(index: number, interrupt: () => void): void;
}

export const runStraight: Control = {
  beforeAction: async () => ({ do: 'run' }),
  afterFailure: async () => ({ do: 'abort' }),
};

export interface BuildOutcome {
  readonly status: 'success' | 'failed' | 'aborted';
  /** An ActionFailure when an action failed; another error when the build could not run. */
  readonly error?: Error;
  readonly tainted: boolean;
  readonly skipped: readonly number[];
}

interface RunnerDeps {
  readonly recipe: string;
  /** The steps to run. The debugger may replace steps not yet run (edit and go on). */
  readonly steps: RunnableStep[];
  readonly machine: Machine;
  readonly workspace: Workspace;
  readonly bus: EventBus;
  readonly control: Control;
  /** Which results come from, and go to, the layer cache. */
  readonly reuse: Reuse;
  readonly root: LazyRoot;
}

async function runStage(bus: EventBus, step: RunnableStep, stage: Exclude<Stage, 'verify'>): Promise<void> {
  const fn = step.stages[stage];
  if (!fn) return;
  bus.emit({ type: 'stage-start', stage, index: step.index });
  try {
    await fn(step.context);
    bus.emit({ type: 'stage-end', stage, index: step.index });
  } catch (err) {
    const failure = ActionFailure.wrap(step.description, stage, err);
    bus.emit({ type: 'stage-end', stage, index: step.index, error: failure.message });
    throw failure;
  }
}

export async function runSteps(deps: RunnerDeps): Promise<BuildOutcome> {
  const { recipe, steps, machine, workspace, bus, control, reuse, root } = deps;
  const pre = machine.backend === 'vm' ? 'preMachine' : 'preNoMachine';
  let skipped: number[] = [];
  const cleanups: RunnableStep[] = [];
  const prepared: RunnableStep[] = [];
  let error: Error | undefined;
  let aborted = false;

  const prepare = async (step: RunnableStep) => {
    if (prepared.includes(step)) return;
    prepared.push(step);
    await runStage(bus, step, pre);
  };
  const skip = (step: RunnableStep) => {
    reuse.broken(step.index);
    skipped.push(step.index);
    bus.emit({ type: 'action-end', index: step.index, status: 'skipped', durationMs: 0 });
  };
  /** After a rewind into the actions that follow an image-partition: run them again without
   * asking, up to `until`, then do `then` (the decision that asked for the rewind). */
  let replay: { until: number; then: 'ask' | 'run' | 'skip'; attempt: number } | undefined;
  /**
   * Undoes the actions from `index` on: their cleanups, last first, and their layers. A disk
   * image has no layers: rewinding to an action after the image-partition that made it
   * remakes the image, from that image-partition on. Returns where the rewind starts.
   */
  const rewind = async (index: number): Promise<number> => {
    // The image-partition actions that ran (their cleanups are pending) made images that later actions changed in place.
    const start = Math.min(index, ...cleanups.filter((s) => s.makesImage && s.index < index).map((s) => s.index));
    if (start < index) bus.emit({ type: 'info', index, message: `A disk image cannot be undone in place: remaking it from action ${start} (image-partition) to action ${index}` });
    index = start;
    while (cleanups.length > 0 && cleanups.at(-1)!.index >= index) {
      await runStage(bus, cleanups.pop()!, 'cleanup').catch(() => {});
    }
    skipped = skipped.filter((s) => s < index);
    const dropped = workspace.rewindTo(index);
    await root.mount(workspace.current());
    await machine.dropLayers(workspace.layersDir, dropped.names);
    await reuse.discard(dropped.stored);
    reuse.rewind(index);
    bus.emit({ type: 'rewind', index });
    return index;
  };
  /** Rewinds to `to` and arranges for `then` to happen there, replaying what comes between. */
  const rewindFor = async (to: number, then: 'ask' | 'run' | 'skip', retryAttempt: number): Promise<void> => {
    const start = await rewind(to);
    replay = start < to ? { until: to, then, attempt: retryAttempt } : undefined;
    i = position(start);
    attempt = start < to ? 1 : then === 'run' ? retryAttempt : 1;
    if (start === to && then === 'skip') {
      skip(steps[i]!);
      i++;
    }
  };
  const position = (index: number) => Math.max(0, steps.findIndex((s) => s.index === index));

  let i = 0;
  let attempt = 1;
  try {
    for (const step of steps) await prepare(step);
    while (i < steps.length) {
      let decision: Decision;
      if (replay && steps[i]!.index < replay.until) decision = { do: 'run' };
      else if (replay && replay.then !== 'ask') {
        decision = { do: replay.then };
        attempt = replay.then === 'run' ? replay.attempt : 1;
        replay = undefined;
      } else {
        replay = undefined;
        decision = await control.beforeAction(steps[i]!.index);
      }
      // Read the step after the answer: an edit during the pause may have replaced it.
      const step = steps[i]!;
      if (decision.do === 'abort') {
        aborted = true;
        break;
      }
      if (decision.do === 'rewind') {
        await rewindFor(decision.to, 'ask', 1);
        continue;
      }
      if (decision.do === 'skip') {
        skip(step);
        i++;
        continue;
      }
      await prepare(step);
      const reusePlan = await reuse.plan(step);
      if (reusePlan.hit) {
        // Its result is in the cache: stack the layer (or keep the artifacts) instead of running.
        if (reusePlan.hit === 'layer') {
          workspace.adoptCached(step.index, reusePlan.layer);
          root.changed();
        }
        await reuse.done(step.index, reusePlan);
        bus.emit({ type: 'cache', index: step.index, hit: true, reason: reusePlan.hit === 'layer' ? 'its layer is in the cache' : 'its artifacts are as it made them' });
        bus.emit({ type: 'action-start', index: step.index, kind: step.kind, description: step.description, attempt, cached: true });
        bus.emit({ type: 'action-end', index: step.index, status: 'done', durationMs: 0 });
        [i, attempt] = [i + 1, 1];
        continue;
      }
      if (reusePlan.why) bus.emit({ type: 'cache', index: step.index, hit: false, reason: reusePlan.why });
      await root.mount(workspace.beginAction(step.index, attempt, reusePlan.publish?.stored));
      await workspace.saveState({ recipe, architecture: step.context.architecture, backend: machine.backend, status: 'running' });
      bus.emit({ type: 'snapshot', index: step.index, layer: `before action ${step.index}` });
      bus.emit({ type: 'action-start', index: step.index, kind: step.kind, description: step.description, attempt, cached: false });
      const started = Date.now();
      cleanups.push(step);
      await reuse.beforeRun(reusePlan);
      try {
        const interrupt = new AbortController();
        step.context.signal = interrupt.signal;
        control.onRunning?.(step.index, () => interrupt.abort());
        await runStage(bus, step, 'run').finally(() => {
          step.context.signal = undefined;
        });
        bus.emit({ type: 'action-end', index: step.index, status: 'done', durationMs: Date.now() - started });
        if (await reuse.done(step.index, reusePlan)) {
          // Published: from now on the layer is only ever a lower one.
          workspace.freezeTop();
          root.changed();
        }
        [i, attempt] = [i + 1, 1];
      } catch (err) {
        const failure = err as ActionFailure;
        bus.emit({ type: 'action-end', index: step.index, status: 'failed', durationMs: Date.now() - started, error: failure.message });
        const next = await control.afterFailure(step.index, failure);
        if (next.do === 'abort') {
          error = failure;
          break;
        }
        // Whatever comes next starts from the root as it was before this action (or earlier).
        if (next.do === 'rewind') await rewindFor(next.to, 'ask', 1);
        else await rewindFor(step.index, next.do, attempt + 1);
      }
    }
  } catch (err) {
    error = err instanceof ActionFailure ? err : ActionFailure.wrap('build', 'run', err);
  }

  for (const step of cleanups.reverse()) {
    await runStage(bus, step, 'cleanup').catch((err: unknown) => {
      error ??= err as Error;
    });
  }
  if (!error && !aborted) {
    // postprocess commands may read the root (ROOTDIR).
    if (steps.some((s) => s.stages.postMachine)) {
      await root.ensure().catch((err: unknown) => {
        error ??= err as Error;
      });
    }
    for (const step of steps) {
      if (error) break;
      await runStage(bus, step, 'postMachine').catch((err: unknown) => {
        error ??= err as Error;
      });
      if (error) break;
    }
  }
  // debos's PostMachineCleanup knows how the build went (image-partition deletes a failed build's image).
  const ended = error ? 'failed' : aborted ? 'aborted' : 'success';
  for (const step of prepared.reverse()) {
    step.context.buildStatus = ended;
    await runStage(bus, step, 'postMachineCleanup').catch((err: unknown) => {
      error ??= err as Error;
    });
  }
  const status = error ? 'failed' : aborted ? 'aborted' : 'success';
  return { status, tainted: skipped.length > 0, skipped, ...(error ? { error } : {}) };
}

