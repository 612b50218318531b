// Runs the planned actions through debos's stages: preMachine or preNoMachine for all,
// then each action's run with its cleanup deferred (cleanups run last-in first-out, also
// after a failure), then postMachine for all, then postMachineCleanup in reverse. Before
// each action the root gets a fresh layer, so a retry starts from the root as it was.
import type { Machine } from '../../vm/machine.js';
import { ActionFailure } from '../../core/errors.js';
import type { EventBus, Stage } from '../../core/events.js';
import type { StageContext } from './stage.js';
import type { Reusable, Reuse } from '../cache/reuse.js';
import type { LazyRoot } from '../workspace/lazy-root.js';
import type { Workspace } from '../workspace/workspace.js';
import { StepRun } from './step-run.js';

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

export interface RunnerDeps {
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

/** One stage of a step, between its events; a failure becomes an ActionFailure naming the action and stage. */
export async function runStage(bus: EventBus, step: RunnableStep, stage: Exclude<Stage, 'verify'>): Promise<void> {
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
  } finally {
    // Fakes in tests have no caches to let go of.
    await step.context.releaseHeld?.();
  }
}

/** Runs the steps through debos's stages, in debos's order. */
export async function runSteps(deps: RunnerDeps): Promise<BuildOutcome> {
  const run = new StepRun(deps);
  try {
    await run.prepareAll();
    await run.actions();
  } catch (err) {
    run.failed(err);
  }
  await run.cleanups();
  await run.postMachine();
  await run.postMachineCleanup();
  return run.outcome();
}
