// The build's progress as the debugger shows it, a pure reducer over build events: the
// header facts, each action's state and timing, and the last command it ran.
import type { ActionStatus, BuildEvent, Stage, StepInfo } from '../../core/events.js';

export type StepStatus = 'todo' | 'running' | ActionStatus;

export interface CommandView {
  readonly id: number;
  readonly label: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly chroot: boolean;
  readonly cwd?: string;
  /** Set when the command ended; null exit status means killed by `signal`. */
  readonly end?: { readonly exitStatus: number | null; readonly signal: string | null; readonly durationMs: number };
}

export interface StepView extends StepInfo {
  readonly status: StepStatus;
  readonly attempt: number;
  readonly startedAt?: number;
  readonly durationMs?: number;
  readonly error?: string;
  readonly command?: CommandView;
  /** Whether it came from the layer cache, and why it did or did not. */
  readonly cache?: { readonly hit: boolean; readonly reason: string };
}

export interface BuildEnd {
  readonly status: 'success' | 'failed' | 'aborted';
  readonly durationMs: number;
  readonly tainted: boolean;
  readonly error?: string;
}

export interface BuildProgress {
  readonly recipe?: string;
  readonly architecture?: string;
  readonly backend?: string;
  readonly backendReason?: string;
  readonly workspace?: string;
  readonly startedAt?: number;
  readonly steps: readonly StepView[];
  /** The stage that runs now, and for which action. */
  readonly stage?: { readonly stage: Stage; readonly index?: number };
  readonly shell?: { readonly chroot: boolean };
  readonly end?: BuildEnd;
}

const fresh = (info: StepInfo): StepView => ({ ...info, status: 'todo', attempt: 0 });
/** An action that was undone (rewind): to do again, its cache result gone. */
const undone = ({ cache: _c, ...s }: StepView): StepView => ({ ...fresh(s), attempt: s.attempt });

export function initialProgress(steps: readonly StepInfo[]): BuildProgress {
  return { steps: steps.map(fresh) };
}

function updateStep(view: BuildProgress, index: number | undefined, change: (s: StepView) => StepView): BuildProgress {
  const at = view.steps.findIndex((s) => s.index === index);
  if (at === -1) return view;
  const steps = [...view.steps];
  steps[at] = change(steps[at]!);
  return { ...view, steps };
}

/** The running action: where events without an index belong. */
export function runningIndex(view: BuildProgress): number | undefined {
  return view.steps.find((s) => s.status === 'running')?.index;
}

export function reduceProgress(view: BuildProgress, e: BuildEvent): BuildProgress {
  switch (e.type) {
    case 'build-start':
      return {
        ...view,
        recipe: e.recipe,
        architecture: e.architecture,
        backend: e.backend,
        backendReason: e.backendReason,
        workspace: e.workspace,
        startedAt: e.ts,
        steps: e.steps.map((info) => view.steps.find((s) => s.index === info.index && s.description === info.description) ?? fresh(info)),
      };
    case 'action-start': {
      const { durationMs: _d, error: _e, command: _c, ...rest } = view.steps.find((s) => s.index === e.index) ?? fresh({ index: e.index, kind: e.kind, description: e.description, where: '' });
      return updateStep(view, e.index, () => ({ ...rest, status: 'running', attempt: e.attempt, startedAt: e.ts }));
    }
    case 'cache':
      return updateStep(view, e.index, (s) => ({ ...s, cache: { hit: e.hit, reason: e.reason } }));
    case 'action-end':
      return updateStep(view, e.index, (s) => ({ ...s, status: e.status, durationMs: e.durationMs, ...(e.error ? { error: e.error } : {}) }));
    case 'command': {
      const command: CommandView = { id: e.id, label: e.label, argv: e.argv, env: e.env, chroot: e.chroot, ...(e.cwd ? { cwd: e.cwd } : {}) };
      return updateStep(view, e.index ?? runningIndex(view), (s) => ({ ...s, command }));
    }
    case 'command-end':
      return updateStep(view, e.index ?? runningIndex(view), (s) =>
        s.command?.id === e.id ? { ...s, command: { ...s.command, end: { exitStatus: e.exitStatus, signal: e.signal, durationMs: e.durationMs } } } : s,
      );
    case 'rewind':
      // The actions from here on are undone: their roots and cleanups are gone.
      return { ...view, steps: view.steps.map((s) => (s.index >= e.index && s.status !== 'todo' ? undone(s) : s)) };
    case 'stage-start':
      return { ...view, stage: { stage: e.stage, ...(e.index !== undefined ? { index: e.index } : {}) } };
    case 'stage-end': {
      const { stage: _s, ...rest } = view;
      return rest;
    }
    case 'shell-open':
      return { ...view, shell: { chroot: e.chroot } };
    case 'shell-close': {
      const { shell: _s, ...rest } = view;
      return rest;
    }
    case 'build-end': {
      const { stage: _s, ...rest } = view;
      return { ...rest, end: { status: e.status, durationMs: e.durationMs, tainted: e.tainted, ...(e.error ? { error: e.error } : {}) } };
    }
    default:
      return view;
  }
}

/** The steps after the recipe was edited: from `from` on they are the new plan's, not run yet. */
export function replaceSteps(view: BuildProgress, steps: readonly StepInfo[], from: number): BuildProgress {
  const kept = view.steps.filter((s) => s.index < from);
  return { ...view, steps: [...kept, ...steps.filter((s) => s.index >= from).map(fresh)] };
}
