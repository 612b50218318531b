// The debugger's behaviour: intents from the keys become controller commands, UI changes,
// shells, edits and the quit question. It owns every side effect of the TUI; the
// components only draw the store and report keys.
import type { Controller } from '../engine/controller/controller.js';
import type { Command, Pause } from '../engine/controller/reducer.js';
import { DebstepError, RecipeErrors } from '../core/errors.js';
import type { BuildSession } from '../engine/session.js';
import type { Plan } from '../engine/recipe/plan.js';
import type { PtySession } from '../util/pty.js';
import type { DebuggerStore } from './state/debugger-store.js';
import { stepInfo } from '../engine/recipe/plan.js';
import { decideEdit, stepSources } from './edit-plan.js';
import type { Answer, BuildCommand, Intent } from './keymap.js';
import { screenLayout, type Size } from './view/layout.js';
import type { Terminal } from './screen.js';
import { shellBanner } from './view/shell-banner.js';
import { breakpointCommands } from './view/presentation.js';

export interface DebuggerDeps {
  readonly store: DebuggerStore;
  readonly controller: Controller;
  readonly terminal: Terminal;
  /** Plans the recipe again, with the options the build started with. */
  readonly replan: () => Promise<Plan>;
  /** Opens the editor on a file. */
  readonly editor: (file: string, size: Size) => Promise<PtySession>;
  /** The shell to run (-s/--shell); default bash when there is one, else sh. */
  readonly shell?: string;
}

/** A one-line (or few-line) account of an error for the message area. */
export function errorText(err: unknown): string {
  if (err instanceof RecipeErrors) return err.errors.map((e) => e.located).join('\n');
  if (err instanceof DebstepError) return err.hint ? `${err.located}\nhint: ${err.hint}` : err.located;
  return err instanceof Error ? err.message : String(err);
}

interface PausedAt {
  readonly session: BuildSession;
  readonly pause: Pause;
}

export class Debugger {
  private session: BuildSession | undefined;
  private keepChoice: boolean | undefined;
  private pendingPlan: Plan | undefined;
  /** An interactive program or an edit is under way; keys wait. */
  private busy = false;
  private finish!: () => void;
  /** Settles when the user has quit and the build is over. */
  readonly done: Promise<void>;

  constructor(private readonly deps: DebuggerDeps) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    deps.controller.subscribe((state) => deps.store.setControl(state));
    deps.store.setControl(deps.controller.state);
    deps.store.subscribe(() => {
      const { build, ui } = deps.store.snapshot();
      if (build.end && ui.quitting) this.finish();
    });
  }

  /** The build session exists: shells and edits can work on it. */
  attach(session: BuildSession): void {
    this.session = session;
  }

  /** Whether the user chose to keep the workspace when quitting; undefined if not asked. */
  get keep(): boolean | undefined {
    return this.keepChoice;
  }

  /** Stops the build and quits: the quit question's answer, or a signal's. */
  stop(keep: boolean): void {
    const { store, controller } = this.deps;
    this.keepChoice = keep;
    store.updateUi({ type: 'quitting' });
    if (store.snapshot().build.end) this.finish();
    else controller.send({ type: keep ? 'detach' : 'abort' });
  }

  /** Does what a key means. Effects that take time run on; their errors become messages. */
  dispatch(intent: Intent): void {
    if (this.busy) return;
    const { store } = this.deps;
    if (intent.type !== 'answer') store.updateUi({ type: 'message', message: undefined });
    const work = this.handle(intent);
    if (work) {
      this.busy = true;
      work
        .catch((err: unknown) => this.say(errorText(err), 'error'))
        .finally(() => {
          this.busy = false;
        });
    }
  }

  private handle(intent: Intent): Promise<void> | undefined {
    const { store } = this.deps;
    const snap = store.snapshot();
    switch (intent.type) {
      case 'move':
        store.updateUi({ type: 'move', delta: intent.delta, count: snap.build.steps.length });
        return;
      case 'page': {
        const { logHeight } = screenLayout(snap, this.deps.terminal.size());
        const max = Math.max(0, store.log.count(snap.ui.cursor, snap.ui.verbose) - logHeight);
        store.updateUi({ type: 'scroll', delta: intent.direction * Math.max(1, logHeight - 1), max });
        return;
      }
      case 'command':
        this.command(intent.command);
        return;
      case 'breakpoint': {
        const step = snap.build.steps.find((s) => s.index === snap.ui.cursor);
        if (step) for (const c of breakpointCommands(snap.control.breakpoints, step)) this.deps.controller.send(c);
        return;
      }
      case 'verbose':
        store.updateUi({ type: 'toggle-verbose' });
        return;
      case 'details':
        store.updateUi({ type: 'toggle-details' });
        return;
      case 'quit':
        if (snap.build.end) this.finish();
        else if (!snap.ui.quitting) store.updateUi({ type: 'dialog', dialog: { type: 'quit' } });
        return;
      case 'answer':
        this.answer(intent.answer);
        return;
      case 'shell': {
        const at = this.paused(intent.chroot ? 'A shell in the root' : 'A host shell');
        return at && this.shell(at, intent.chroot);
      }
      case 'edit': {
        const at = this.paused('Editing the recipe');
        return at && this.edit(at);
      }
    }
  }

  private command(command: BuildCommand): void {
    const { controller, store } = this.deps;
    const c: Command = command === 'run-to' ? { type: 'run-to', index: store.snapshot().ui.cursor } : { type: command };
    const wasPaused = controller.state.pause !== undefined;
    controller.send(c);
    if (wasPaused && !controller.state.pause) store.updateUi({ type: 'follow' });
  }

  private say(text: string, tone: 'info' | 'error' = 'info'): void {
    this.deps.store.updateUi({ type: 'message', message: { text, tone } });
  }

  private answer(answer: Answer): void {
    const { store, controller } = this.deps;
    const dialog = store.snapshot().ui.dialog;
    store.updateUi({ type: 'dialog', dialog: undefined });
    if (dialog?.type === 'quit') {
      if (answer !== 'cancel') this.stop(answer === 'keep');
      return;
    }
    if (dialog?.type === 'rewind') {
      const next = this.pendingPlan;
      this.pendingPlan = undefined;
      if (answer !== 'yes' || !next) return this.say('The edit is not used: the build goes on with the actions it had.');
      this.takeOver(next, dialog.index);
      controller.send({ type: 'rewind', index: dialog.index });
      this.say(`Rewound to action ${dialog.index}: it runs again, edited.`);
    }
  }

  /** The paused build and its session, or a message saying why there is none. */
  private paused(what: string): PausedAt | undefined {
    const pause = this.deps.controller.state.pause;
    if (!this.session || !pause) {
      this.say(`${what} needs a paused build: p pauses before the next action`, 'error');
      return undefined;
    }
    return { session: this.session, pause };
  }

  private async shell({ session, pause }: PausedAt, chroot: boolean): Promise<void> {
    if (chroot && !(await session.rootHas('/bin/sh'))) {
      return this.say('The root has no shell yet (no /bin/sh): h opens one on the build host, in the workspace.', 'error');
    }
    const step = this.deps.store.snapshot().build.steps.find((s) => s.index === pause.index);
    const banner = shellBanner({ chroot, rootDir: session.rootDir, workspace: session.workspaceDir }, pause, step);
    const status = await this.deps.terminal.handOver(async (tty) => {
      tty.print(banner);
      const { columns: cols, rows } = tty.size;
      return tty.attach(await session.shell(pause.index, { chroot, cols, rows, shell: this.deps.shell }));
    });
    this.say(`The shell exited${status === null ? '' : ` with status ${status}`}.`);
  }

  private async edit({ session, pause }: PausedAt): Promise<void> {
    const { store } = this.deps;
    const { sources, ui } = store.snapshot();
    const source = sources.get(ui.cursor) ?? sources.get(pause.index);
    if (!source) return;
    const next = await this.deps.terminal.handOver(async (tty) => {
      tty.print([`debstep: editing ${source.file}; the recipe is planned again when the editor exits.`]);
      await tty.attach(await this.deps.editor(source.file, tty.size));
      // Planned while the normal screen shows, so warnings printed on the way cannot break the debugger's.
      return this.deps.replan().then(
        (plan) => ({ plan }),
        (error: unknown) => ({ error }),
      );
    });
    if ('error' in next) return this.say(`The edited recipe does not load:\n${errorText(next.error)}`, 'error');
    const plan = next.plan;
    const outcome = decideEdit(session.plan, plan, pause.index);
    const warned = plan.warnings.length ? ` (${plan.warnings.length} warning${plan.warnings.length === 1 ? '' : 's'}: ${plan.warnings[0]!.message})` : '';
    switch (outcome.type) {
      case 'unchanged':
        return this.say(`The plan did not change${warned}.`);
      case 'adopt':
        this.takeOver(plan, outcome.from);
        return this.say(
          `Recipe reloaded: from action ${outcome.from} on, the edited actions run${pause.reason === 'failure' ? ' (r retries the edited action)' : ''}${warned}.`,
        );
      case 'rewind':
        this.pendingPlan = plan;
        store.updateUi({ type: 'dialog', dialog: { type: 'rewind', index: outcome.index, description: outcome.description } });
    }
  }

  /** The build takes the new plan's actions from `from` on. */
  private takeOver(plan: Plan, from: number): void {
    const infos = plan.steps.map(stepInfo);
    this.session?.adopt(plan, from);
    this.deps.controller.setSteps(infos);
    this.deps.store.replaceSteps(infos, stepSources(plan), from);
  }
}
