// The controller between the runner and a front end: it answers the runner's questions
// through the reducer, holds the build while paused, and tells subscribers (the TUI) of
// every change. Pauses and resumes are events too.
import type { ActionFailure } from '../../core/errors.js';
import type { EventBus, StepInfo } from '../../core/events.js';
import type { Control, Decision } from '../run/runner.js';
import type { Breakpoint } from './breakpoints.js';
import { type Command, type ControllerState, initialState, type Input, reduce } from './reducer.js';

export class Controller implements Control {
  private current: ControllerState;
  private waiting: ((d: Decision) => void) | undefined;
  private interrupt: (() => void) | undefined;
  private readonly listeners = new Set<(state: ControllerState) => void>();

  constructor(
    steps: readonly StepInfo[],
    opts: { breakpoints: readonly Breakpoint[]; stepFirst: boolean },
    private readonly bus: EventBus,
  ) {
    this.current = initialState(steps, opts.breakpoints, opts.stepFirst);
  }

  get state(): ControllerState {
    return this.current;
  }

  subscribe(listener: (state: ControllerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The plan changed (the recipe was edited): the steps to show and match breakpoints on. */
  setSteps(steps: readonly StepInfo[]): void {
    this.current = { ...this.current, steps };
    for (const listener of this.listeners) listener(this.current);
  }

  /** A command from the front end. */
  send(command: Command): void {
    const pausedAt = this.current.pause?.index;
    this.apply({ type: 'command', command });
    if (this.current.stopping && !this.current.pause) this.interrupt?.();
    if (pausedAt !== undefined && !this.current.pause) this.bus.emit({ type: 'resumed', index: pausedAt, command: command.type });
  }

  beforeAction(index: number): Promise<Decision> {
    return this.ask({ type: 'question', question: { type: 'before', index } });
  }

  afterFailure(index: number, error: ActionFailure): Promise<Decision> {
    return this.ask({ type: 'question', question: { type: 'failed', index, error: error.message } });
  }

  onRunning(_index: number, interrupt: () => void): void {
    this.interrupt = interrupt;
  }

  private ask(input: Input): Promise<Decision> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.apply(input);
      const pause = this.current.pause;
      if (pause) this.bus.emit({ type: 'paused', index: pause.index, reason: pause.reason, ...(pause.error ? { error: pause.error } : {}) });
    });
  }

  private apply(input: Input): void {
    const { state, decision } = reduce(this.current, input);
    this.current = state;
    if (decision !== undefined && this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(decision);
    }
    for (const listener of this.listeners) listener(state);
  }
}
