// Runs the planned actions through debos's stages: preMachine or preNoMachine for all,
// then each action's run with its cleanup deferred (cleanups run last-in first-out, also
// after a failure), then postMachine for all, then postMachineCleanup in reverse. Before
// each action the root gets a fresh layer, so a retry starts from the root as it was.
import { type Machine } from '../vm/machine.js';
import { ActionFailure } from './errors.js';
import { type EventBus, type Stage } from './events.js';
import { type StageContext } from './stage.js';
import { type Workspace } from './workspace.js';

/** One planned action with its stages bound to its properties. */
export interface RunnableStep {
  readonly index: number;
  readonly kind: string;
  readonly description: string;
  readonly context: StageContext;
  readonly stages: Partial<Record<Exclude<Stage, 'verify'>, (ctx: StageContext) => Promise<void>>>;
}

export type BeforeDecision = { readonly do: 'run' } | { readonly do: 'skip' } | { readonly do: 'abort' };
export type FailureDecision = 'retry' | 'skip' | 'abort';

/** The debugger's say in the run; a plain build runs everything and stops at a failure. */
export interface Control {
  beforeAction(index: number): Promise<BeforeDecision>;
  afterFailure(index: number, error: ActionFailure): Promise<FailureDecision>;
  /** Told when an action starts running, with the way to interrupt its command. */
  onRunning?(index: number, interrupt: () => void): void;
}

export const runStraight: Control = {
  beforeAction: async () => ({ do: 'run' }),
  afterFailure: async () => 'abort',
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
  readonly steps: readonly RunnableStep[];
  readonly machine: Machine;
  readonly workspace: Workspace;
  readonly bus: EventBus;
  readonly control: Control;
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
  const { recipe, steps, machine, workspace, bus, control } = deps;
  const pre = machine.backend === 'vm' ? 'preMachine' : 'preNoMachine';
  const skipped: number[] = [];
  const cleanups: RunnableStep[] = [];
  const prepared: RunnableStep[] = [];
  let error: Error | undefined;
  let aborted = false;

  try {
    for (const step of steps) {
      prepared.push(step);
      await runStage(bus, step, pre);
    }
    let i = 0;
    let attempt = 1;
    while (i < steps.length) {
      const step = steps[i]!;
      const decision = await control.beforeAction(step.index);
      if (decision.do === 'abort') {
        aborted = true;
        break;
      }
      if (decision.do === 'skip') {
        skipped.push(step.index);
        bus.emit({ type: 'action-end', index: step.index, status: 'skipped', durationMs: 0 });
        i++;
        continue;
      }
      await machine.mountRoot(workspace.beginAction(step.index, attempt));
      await workspace.saveState({ recipe, architecture: step.context.architecture, status: 'running' });
      bus.emit({ type: 'snapshot', index: step.index, layer: `before action ${step.index}` });
      bus.emit({ type: 'action-start', index: step.index, kind: step.kind, description: step.description, attempt });
      const started = Date.now();
      try {
        cleanups.push(step);
        const interrupt = new AbortController();
        step.context.signal = interrupt.signal;
        control.onRunning?.(step.index, () => interrupt.abort());
        await runStage(bus, step, 'run').finally(() => {
          step.context.signal = undefined;
        });
        bus.emit({ type: 'action-end', index: step.index, status: 'done', durationMs: Date.now() - started });
        i++;
        attempt = 1;
      } catch (err) {
        const failure = err as ActionFailure;
        bus.emit({ type: 'action-end', index: step.index, status: 'failed', durationMs: Date.now() - started, error: failure.message });
        const next = await control.afterFailure(step.index, failure);
        if (next === 'abort') {
          error = failure;
          break;
        }
        // The failed attempt's cleanup runs now; the root goes back to before the action.
        cleanups.pop();
        await runStage(bus, step, 'cleanup').catch(() => {});
        const dropped = workspace.rewindTo(step.index);
        await machine.mountRoot(workspace.current());
        await machine.dropLayers(workspace.layersDir, dropped);
        if (next === 'retry') {
          attempt++;
        } else {
          skipped.push(step.index);
          bus.emit({ type: 'action-end', index: step.index, status: 'skipped', durationMs: 0 });
          i++;
          attempt = 1;
        }
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
    for (const step of steps) {
      await runStage(bus, step, 'postMachine').catch((err: unknown) => {
        error ??= err as Error;
      });
      if (error) break;
    }
  }
  for (const step of prepared.reverse()) {
    await runStage(bus, step, 'postMachineCleanup').catch((err: unknown) => {
      error ??= err as Error;
    });
  }
  const status = error ? 'failed' : aborted ? 'aborted' : 'success';
  return { status, tainted: skipped.length > 0, skipped, ...(error ? { error } : {}) };
}

