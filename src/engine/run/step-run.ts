// One run of the planned steps, phase by phase as runner.ts calls them: what has been
// prepared, which cleanups are pending, which actions were skipped, where the action loop
// is, and how the run ends.
import { ActionFailure } from '../../core/errors.js';
import type { Stage } from '../../core/events.js';
import type { ReusePlan } from '../cache/reuse.js';
import { type BuildOutcome, type Decision, type RunnableStep, type RunnerDeps, runStage } from './runner.js';

type Then = 'ask' | 'run' | 'skip';

export class StepRun {
  private readonly pre: 'preMachine' | 'preNoMachine';
  private readonly prepared: RunnableStep[] = [];
  /** Actions that ran, whose cleanups are due, oldest first. */
  private readonly ran: RunnableStep[] = [];
  private skipped: number[] = [];
  private error: Error | undefined;
  private aborted = false;
  /** Where the action loop is in deps.steps, and the attempt of the action there. */
  private i = 0;
  private attempt = 1;
  /** After a rewind into the actions that follow an image-partition: run them again without
   * asking, up to `until`, then do `then` (the decision that asked for the rewind). */
  private replay: { until: number; then: Then; attempt: number } | undefined;

  constructor(private readonly deps: RunnerDeps) {
    this.pre = deps.machine.backend === 'vm' ? 'preMachine' : 'preNoMachine';
  }

  /** preMachine (in a VM) or preNoMachine (on the host) of every action. */
  async prepareAll(): Promise<void> {
    for (const step of this.deps.steps) await this.prepare(step);
  }

  /** Each action in turn: asked about, taken from the cache or run, retried, skipped or rewound to. */
  async actions(): Promise<void> {
    while (this.i < this.deps.steps.length) {
      const decision = await this.decide();
      // Read the step after the answer: an edit during the pause may have replaced it.
      const step = this.deps.steps[this.i]!;
      if (decision.do === 'abort') {
        this.aborted = true;
        return;
      }
      if (decision.do === 'rewind') await this.rewindFor(decision.to, 'ask', 1);
      else if (decision.do === 'skip') {
        this.skip(step);
        this.i++;
      } else if (!(await this.runOrReuse(step))) return;
    }
  }

  /** A failure outside any action's stages (the root, the cache) ends the loop. */
  failed(err: unknown): void {
    this.error = err instanceof ActionFailure ? err : ActionFailure.wrap('build', 'run', err);
  }

  /** The cleanups of the actions that ran, last first, also after a failure. */
  async cleanups(): Promise<void> {
    for (const step of this.ran.reverse()) await this.finishing(step, 'cleanup');
  }

  /** postMachine of every action, once all of them succeeded. */
  async postMachine(): Promise<void> {
    if (this.error || this.aborted) return;
    const { steps, root } = this.deps;
    // postprocess commands may read the root (ROOTDIR).
    if (steps.some((s) => s.stages.postMachine)) await root.ensure().catch(this.keepError);
    for (const step of steps) {
      if (this.error) return;
      await this.finishing(step, 'postMachine');
    }
  }

  /** postMachineCleanup of every prepared action, last first. Like debos's, it knows how the
   * build went (image-partition deletes a failed build's image). */
  async postMachineCleanup(): Promise<void> {
    const ended = this.status();
    for (const step of this.prepared.reverse()) {
      step.context.buildStatus = ended;
      await this.finishing(step, 'postMachineCleanup');
    }
  }

  outcome(): BuildOutcome {
    return { status: this.status(), tainted: this.skipped.length > 0, skipped: this.skipped, ...(this.error ? { error: this.error } : {}) };
  }

  private status(): BuildOutcome['status'] {
    return this.error ? 'failed' : this.aborted ? 'aborted' : 'success';
  }

  /** The first error is the build's. */
  private readonly keepError = (err: unknown): void => {
    this.error ??= err as Error;
  };

  /** A stage after the action loop: its failure is kept, and the others still run. */
  private finishing(step: RunnableStep, stage: Exclude<Stage, 'verify'>): Promise<void> {
    return runStage(this.deps.bus, step, stage).catch(this.keepError);
  }

  private async prepare(step: RunnableStep): Promise<void> {
    if (this.prepared.includes(step)) return;
    this.prepared.push(step);
    await runStage(this.deps.bus, step, this.pre);
  }

  /** What to do with the action at the loop's position: the controller's answer, unless a replay decides. */
  private async decide(): Promise<Decision> {
    const { replay } = this;
    if (replay && this.deps.steps[this.i]!.index < replay.until) return { do: 'run' };
    this.replay = undefined;
    if (replay && replay.then !== 'ask') {
      this.attempt = replay.then === 'run' ? replay.attempt : 1;
      return { do: replay.then };
    }
    return this.deps.control.beforeAction(this.deps.steps[this.i]!.index);
  }

  private skip(step: RunnableStep): void {
    this.deps.reuse.broken(step.index);
    this.skipped.push(step.index);
    this.deps.bus.emit({ type: 'action-end', index: step.index, status: 'skipped', durationMs: 0 });
  }

  /** Takes the action's result from the layer cache, or runs it. False: the run stops. */
  private async runOrReuse(step: RunnableStep): Promise<boolean> {
    await this.prepare(step);
    const plan = await this.deps.reuse.plan(step);
    if (!plan.hit) return this.run(step, plan);
    await this.reuseCached(step, plan);
    return true;
  }

  /** Stacks the cached layer (or keeps the artifacts) instead of running the action. */
  private async reuseCached(step: RunnableStep, plan: Exclude<ReusePlan, { hit?: undefined }>): Promise<void> {
    const { workspace, root, reuse, bus } = this.deps;
    if (plan.hit === 'layer') {
      workspace.adoptCached(step.index, plan.layer);
      root.changed();
    }
    await reuse.done(step.index, plan);
    bus.emit({ type: 'cache', index: step.index, hit: true, reason: plan.hit === 'layer' ? 'its layer is in the cache' : 'its artifacts are as it made them' });
    bus.emit({ type: 'action-start', index: step.index, kind: step.kind, description: step.description, attempt: this.attempt, cached: true });
    bus.emit({ type: 'action-end', index: step.index, status: 'done', durationMs: 0 });
    this.advance();
  }

  /** Runs the action in a fresh layer. After a failure the controller decides: abort
   * (false), or retry, skip or rewind, each from the root as it was before. */
  private async run(step: RunnableStep, plan: Extract<ReusePlan, { hit?: undefined }>): Promise<boolean> {
    const { workspace, root, reuse, bus, control, machine, recipe } = this.deps;
    if (plan.why) bus.emit({ type: 'cache', index: step.index, hit: false, reason: plan.why });
    await root.mount(workspace.beginAction(step.index, this.attempt, plan.publish?.stored));
    await workspace.saveState({ recipe, architecture: step.context.architecture, backend: machine.backend, status: 'running' });
    bus.emit({ type: 'snapshot', index: step.index, layer: `before action ${step.index}` });
    bus.emit({ type: 'action-start', index: step.index, kind: step.kind, description: step.description, attempt: this.attempt, cached: false });
    const started = Date.now();
    this.ran.push(step);
    await reuse.beforeRun(plan);
    try {
      const interrupt = new AbortController();
      step.context.signal = interrupt.signal;
      control.onRunning?.(step.index, () => interrupt.abort());
      await runStage(bus, step, 'run').finally(() => {
        step.context.signal = undefined;
      });
      bus.emit({ type: 'action-end', index: step.index, status: 'done', durationMs: Date.now() - started });
      if (await reuse.done(step.index, plan)) {
        // Published: from now on the layer is only ever a lower one.
        workspace.freezeTop();
        root.changed();
      }
      this.advance();
      return true;
    } catch (err) {
      const failure = err as ActionFailure;
      bus.emit({ type: 'action-end', index: step.index, status: 'failed', durationMs: Date.now() - started, error: failure.message });
      const next = await control.afterFailure(step.index, failure);
      if (next.do === 'abort') {
        this.error = failure;
        return false;
      }
      // Whatever comes next starts from the root as it was before this action (or earlier).
      if (next.do === 'rewind') await this.rewindFor(next.to, 'ask', 1);
      else await this.rewindFor(step.index, next.do, this.attempt + 1);
      return true;
    }
  }

  private advance(): void {
    this.i++;
    this.attempt = 1;
  }

  /**
   * Undoes the actions from `index` on: their cleanups, last first, and their layers. A disk
   * image has no layers: rewinding to an action after the image-partition that made it
   * remakes the image, from that image-partition on. Returns where the rewind starts.
   */
  private async rewind(index: number): Promise<number> {
    const { bus, workspace, root, machine, reuse } = this.deps;
    // The image-partition actions that ran (their cleanups are pending) made images that later actions changed in place.
    const start = Math.min(index, ...this.ran.filter((s) => s.makesImage && s.index < index).map((s) => s.index));
    if (start < index) bus.emit({ type: 'info', index, message: `A disk image cannot be undone in place: remaking it from action ${start} (image-partition) to action ${index}` });
    while (this.ran.length > 0 && this.ran.at(-1)!.index >= start) {
      // The rewind goes on (the user asked for it), but a cleanup that failed (a mount, a
      // loop device left) is said, not dropped.
      const step = this.ran.pop()!;
      await runStage(bus, step, 'cleanup').catch((err: unknown) =>
        bus.emit({ type: 'warning', index: step.index, message: `the cleanup of action ${step.index} failed while rewinding: ${(err as Error).message}` }),
      );
    }
    this.skipped = this.skipped.filter((s) => s < start);
    const dropped = workspace.rewindTo(start);
    await root.mount(workspace.current());
    await machine.dropLayers(workspace.layersDir, dropped.names);
    await reuse.discard(dropped.stored);
    reuse.rewind(start);
    bus.emit({ type: 'rewind', index: start });
    return start;
  }

  /** Rewinds to `to` and arranges for `then` to happen there, replaying what comes between. */
  private async rewindFor(to: number, then: Then, retryAttempt: number): Promise<void> {
    const start = await this.rewind(to);
    this.replay = start < to ? { until: to, then, attempt: retryAttempt } : undefined;
    this.i = Math.max(0, this.deps.steps.findIndex((s) => s.index === start));
    this.attempt = start < to ? 1 : then === 'run' ? retryAttempt : 1;
    if (start === to && then === 'skip') {
      this.skip(this.deps.steps[this.i]!);
      this.i++;
    }
  }
}
