// The debugger's state machine, as a pure reducer. The runner asks before each action and
// after a failure; the front end sends commands. A question either gets an answer at once
// or pauses the build until a command answers it.
import type { PauseReason, StepInfo } from '../../core/events.js';
import type { Decision } from '../run/runner.js';
import { type Breakpoint, matches, sameBreakpoint } from './breakpoints.js';

export type Mode =
  | { readonly type: 'run' }
  | { readonly type: 'step' }
  /** Run until just before this plan index. */
  | { readonly type: 'run-to'; readonly index: number };

export type Command =
  | { readonly type: 'step' }
  | { readonly type: 'continue' }
  | { readonly type: 'run-to'; readonly index: number }
  | { readonly type: 'retry' }
  | { readonly type: 'skip' }
  /** Undo the actions from this index on and run it again at once (after editing the recipe). */
  | { readonly type: 'rewind'; readonly index: number }
  /** Stop before the next action. */
  | { readonly type: 'pause' }
  | { readonly type: 'abort' }
  /** Stop, and keep the workspace for `debstep shell`. */
  | { readonly type: 'detach' }
  | { readonly type: 'toggle-breakpoint'; readonly index: number }
  | { readonly type: 'add-breakpoint'; readonly breakpoint: Breakpoint }
  | { readonly type: 'remove-breakpoint'; readonly breakpoint: Breakpoint }
  | { readonly type: 'break-on-failure'; readonly on: boolean };

export type Question =
  | { readonly type: 'before'; readonly index: number }
  | { readonly type: 'failed'; readonly index: number; readonly error: string };

export interface Pause {
  readonly index: number;
  readonly reason: PauseReason;
  readonly error?: string;
}

export interface ControllerState {
  readonly steps: readonly StepInfo[];
  readonly breakpoints: readonly Breakpoint[];
  readonly breakOnFailure: boolean;
  readonly mode: Mode;
  /** The question the build waits on, when paused. */
  readonly pause?: Pause;
  /** An action was skipped: the image is not what the recipe says. */
  readonly tainted: boolean;
  /** Stop at the next chance (abort or detach was asked while running). */
  readonly stopping?: 'abort' | 'detach';
  readonly detached: boolean;
  /** A retried action runs at once, without pausing before it again. */
  readonly runAgain?: number;
  /** Why the last command did nothing, for the front end to show. */
  readonly notice?: string;
}

export type { Decision };

export interface Reduced {
  readonly state: ControllerState;
  /** The answer to the pending question, when there is one now. */
  readonly decision?: Decision;
}

export function initialState(steps: readonly StepInfo[], breakpoints: readonly Breakpoint[], stepFirst: boolean): ControllerState {
  return { steps, breakpoints, breakOnFailure: true, mode: stepFirst ? { type: 'step' } : { type: 'run' }, tainted: false, detached: false };
}

function pauseReason(state: ControllerState, index: number): PauseReason | undefined {
  const step = state.steps.find((s) => s.index === index);
  if (step && state.breakpoints.some((bp) => matches(bp, step))) return 'breakpoint';
  if (state.mode.type === 'step') return 'step';
  if (state.mode.type === 'run-to' && index >= state.mode.index) return 'step';
  return undefined;
}

function answer(state: ControllerState, decision: Decision, changes: Partial<ControllerState> = {}): Reduced {
  const { pause: _answered, notice: _old, ...rest } = state;
  return { state: { ...rest, ...changes }, decision };
}

function ask(state: ControllerState, q: Question): Reduced {
  const { notice: _old, ...s } = state;
  if (s.stopping) return answer(s, { do: 'abort' }, s.stopping === 'detach' ? { detached: true } : {});
  if (q.type === 'failed') {
    if (!s.breakOnFailure) return answer(s, { do: 'abort' });
    return { state: { ...s, pause: { index: q.index, reason: 'failure', error: q.error } } };
  }
  if (s.runAgain === q.index) {
    const { runAgain: _done, ...rest } = s;
    return answer(rest, { do: 'run' });
  }
  const reason = pauseReason(s, q.index);
  if (!reason) return answer(s, { do: 'run' });
  return { state: { ...s, pause: { index: q.index, reason } } };
}

function setBreakpoints(state: ControllerState, breakpoints: readonly Breakpoint[]): Reduced {
  return { state: { ...state, breakpoints } };
}

function command(state: ControllerState, c: Command): Reduced {
  switch (c.type) {
    case 'toggle-breakpoint': {
      const bp: Breakpoint = { type: 'index', index: c.index };
      const has = state.breakpoints.some((b) => sameBreakpoint(b, bp));
      return setBreakpoints(state, has ? state.breakpoints.filter((b) => !sameBreakpoint(b, bp)) : [...state.breakpoints, bp]);
    }
    case 'add-breakpoint':
      return setBreakpoints(state, state.breakpoints.some((b) => sameBreakpoint(b, c.breakpoint)) ? state.breakpoints : [...state.breakpoints, c.breakpoint]);
    case 'remove-breakpoint':
      return setBreakpoints(state, state.breakpoints.filter((b) => !sameBreakpoint(b, c.breakpoint)));
    case 'break-on-failure':
      return { state: { ...state, breakOnFailure: c.on } };
  }
  const pause = state.pause;
  if (!pause) {
    // While an action runs, only stopping and pausing make sense.
    if (c.type === 'pause') return { state: { ...state, mode: { type: 'step' } } };
    if (c.type === 'abort' || c.type === 'detach') return { state: { ...state, stopping: c.type } };
    if (c.type === 'continue') return { state: { ...state, mode: { type: 'run' } } };
    return { state: { ...state, notice: `${c.type} needs a paused build` } };
  }
  if (c.type === 'abort') return answer(state, { do: 'abort' });
  if (c.type === 'detach') return answer(state, { do: 'abort' }, { detached: true });
  if (c.type === 'skip') return answer(state, { do: 'skip' }, { tainted: true });
  if (c.type === 'rewind') {
    if (c.index > pause.index) return { state: { ...state, notice: `action ${c.index} has not run yet` } };
    return answer(state, { do: 'rewind', to: c.index }, { runAgain: c.index, mode: { type: 'step' } });
  }
  if (pause.reason === 'failure') {
    if (c.type === 'retry') return answer(state, { do: 'run' }, { runAgain: pause.index });
    return { state: { ...state, notice: `action ${pause.index} failed: retry, skip or quit` } };
  }
  switch (c.type) {
    case 'step':
    case 'retry':
      return answer(state, { do: 'run' }, { mode: { type: 'step' } });
    case 'continue':
      return answer(state, { do: 'run' }, { mode: { type: 'run' } });
    case 'pause':
      return { state: { ...state, notice: 'already paused' } };
    case 'run-to':
      if (c.index <= pause.index) return { state: { ...state, notice: `action ${c.index} is not ahead of action ${pause.index}` } };
      return answer(state, { do: 'run' }, { mode: { type: 'run-to', index: c.index } });
  }
}

export type Input = { readonly type: 'question'; readonly question: Question } | { readonly type: 'command'; readonly command: Command };

export function reduce(state: ControllerState, input: Input): Reduced {
  return input.type === 'question' ? ask(state, input.question) : command(state, input.command);
}
