// A build in progress as a front end sees it (the debugger, --debug-shell): the plan, where
// the root and the workspace are, shells with an action's environment, and recipe edits
// taken over from a paused action on.
import type { PtySession } from '../util/pty.js';
import type { Machine } from '../vm/machine.js';
import type { Plan, PlanStep } from './recipe/plan.js';
import type { RunnableStep } from './run/runner.js';

export interface ShellAt {
  /** In the root, else on the build host in the workspace. */
  readonly chroot: boolean;
  readonly cols: number;
  readonly rows: number;
  /** The shell to run; default bash when the root has it, else sh. */
  readonly shell?: string | undefined;
}

export interface BuildSession {
  readonly plan: Plan;
  /** The root on the build host, and the build's workspace directory. */
  readonly rootDir: string;
  readonly workspaceDir: string;
  /** Whether the root has this file yet: a root without /bin/sh cannot take a shell. */
  rootHas(path: string): Promise<boolean>;
  /** A shell with the environment action `index` gets. */
  shell(index: number, at: ShellAt): Promise<PtySession>;
  /**
   * Takes the steps of `next` from plan index `from` on, in place of the current ones
   * (after the recipe was edited). Earlier steps must be unchanged (see firstChangedStep).
   */
  adopt(next: Plan, from: number): void;
}

/**
 * The session over a plan and the runner's steps, made from planned steps by `bind`.
 * `steps` is the list the runner goes through: adopt replaces its later steps in place.
 */
export function openSession(
  plan: Plan,
  machine: Pick<Machine, 'rootDir' | 'files'>,
  workspaceDir: string,
  bind: (plan: Plan, step: PlanStep) => RunnableStep,
): { session: BuildSession; steps: RunnableStep[] } {
  const steps = plan.steps.map((s) => bind(plan, s));
  const session: BuildSession = {
    plan,
    rootDir: machine.rootDir,
    workspaceDir,
    rootHas: (path) => machine.files.exists(path),
    shell: (index, at) => steps[index - 1]!.context.shell({ ...at, ...(at.chroot ? {} : { cwd: workspaceDir }) }),
    adopt(next, from) {
      steps.splice(from - 1, Infinity, ...next.steps.slice(from - 1).map((s) => bind(next, s)));
      (this as { plan: Plan }).plan = next;
    },
  };
  return { session, steps };
}
