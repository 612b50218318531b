// The debugger's state outside React: an event sink that folds build events into the
// build's progress and the per-action logs, plus the controller's state and the UI choices.
// Build events arrive at any rate, so they only mark the state changed and a redraw is
// scheduled at most every `throttleMs`; key presses redraw at once.
import type { ControllerState } from '../../engine/controller/reducer.js';
import type { BuildEvent, EventSink, StepInfo } from '../../core/events.js';
import { type BuildProgress, initialProgress, reduceProgress, replaceSteps } from './build-progress.js';
import { ActionLogs } from './action-logs.js';
import { initialUi, reduceUi, type UiEvent, type UiChoices } from './ui-choices.js';
import type { StepSource } from '../view/presentation.js';

export interface Snapshot {
  readonly build: BuildProgress;
  readonly control: ControllerState;
  readonly ui: UiChoices;
  readonly sources: ReadonlyMap<number, StepSource>;
  /** Who runs the build, for the header. */
  readonly user: string;
  /** Bumped on every logged line, so a new snapshot means "the log may have changed". */
  readonly logVersion: number;
}

export interface DebuggerStoreOptions {
  readonly steps: readonly StepInfo[];
  readonly sources: ReadonlyMap<number, StepSource>;
  readonly control: ControllerState;
  readonly user: string;
  readonly verbose: boolean;
  /** Longest wait between a build event and the redraw that shows it. */
  readonly throttleMs?: number;
  readonly log?: ActionLogs;
}

export class DebuggerStore implements EventSink {
  readonly log: ActionLogs;
  private build: BuildProgress;
  private control: ControllerState;
  private ui: UiChoices;
  private sources: ReadonlyMap<number, StepSource>;
  private logVersion = 0;
  private current: Snapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly throttleMs: number;
  private readonly user: string;

  constructor(opts: DebuggerStoreOptions) {
    this.build = initialProgress(opts.steps);
    this.control = opts.control;
    this.ui = initialUi({ verbose: opts.verbose, count: opts.steps.length });
    this.sources = opts.sources;
    this.user = opts.user;
    this.throttleMs = opts.throttleMs ?? 50;
    this.log = opts.log ?? new ActionLogs();
  }

  write(e: BuildEvent): void {
    this.log.add(e);
    this.logVersion++;
    this.build = reduceProgress(this.build, e);
    if (e.type === 'action-start') this.ui = reduceUi(this.ui, { type: 'reached', index: e.index });
    // A pause is where the user's attention goes, even if they were looking elsewhere.
    if (e.type === 'paused') this.ui = reduceUi(this.ui, { type: 'reached', index: e.index, force: true });
    if (e.type === 'paused' || e.type === 'build-end') this.changed();
    else this.schedule();
  }

  /** The controller's state changed; a notice (a command that did nothing) becomes the message. */
  setControl(state: ControllerState): void {
    if (state.notice && state.notice !== this.control.notice) this.ui = reduceUi(this.ui, { type: 'message', message: { text: state.notice, tone: 'error' } });
    this.control = state;
    this.changed();
  }

  updateUi(e: UiEvent): void {
    const next = reduceUi(this.ui, e);
    if (next === this.ui) return;
    this.ui = next;
    this.changed();
  }

  /** After an edit: the actions from `from` on are the new plan's. */
  replaceSteps(steps: readonly StepInfo[], sources: ReadonlyMap<number, StepSource>, from: number): void {
    this.build = replaceSteps(this.build, steps, from);
    this.sources = sources;
    this.changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): Snapshot => {
    this.current ??= { build: this.build, control: this.control, ui: this.ui, sources: this.sources, user: this.user, logVersion: this.logVersion };
    return this.current;
  };

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.changed(), this.throttleMs);
    this.timer.unref();
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.current = undefined;
    for (const listener of this.listeners) listener();
  }

  /** The build is over: shows what is still pending now rather than later. */
  close(): Promise<void> {
    if (this.timer) this.changed();
    return Promise.resolve();
  }
}
