// A debugger over a real controller and runner with a fake machine: run actions from a
// real recipe file whose commands the fake machine "runs" (a script decides exit status
// and output), a fake terminal that records hand-overs, and a fake editor.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Breakpoint } from '../../../src/engine/controller/breakpoints.js';
import { Controller } from '../../../src/engine/controller/controller.js';
import { openSession } from '../../../src/engine/session.js';
import { type BuildEvent, EventBus } from '../../../src/core/events.js';
import { type PlanStep, planRecipe } from '../../../src/engine/recipe/plan.js';
import { type BuildOutcome, type RunnableStep, runSteps } from '../../../src/engine/run/runner.js';
import { StageContext } from '../../../src/engine/run/stage.js';
import { Workspace } from '../../../src/engine/workspace/workspace.js';
import { DebuggerStore } from '../../../src/tui/state/debugger-store.js';
import { Debugger } from '../../../src/tui/debugger.js';
import { stepInfo } from '../../../src/engine/recipe/plan.js';
import { stepSources } from '../../../src/tui/edit-plan.js';
import { type Terminal, type Tty } from '../../../src/tui/screen.js';
import { type PtySession } from '../../../src/util/pty.js';
import { FakeMachine, fakeServices, uncachedRun } from '../../helpers/fake-machine.js';

/** A recipe of host `run` actions with these commands. */
export function runRecipe(...commands: string[]): string {
  return `architecture: amd64\nactions:\n${commands.map((c, i) => `  - action: run\n    description: Step ${i + 1}\n    command: ${c}\n`).join('')}`;
}

/** A pty session that exits (status 0) as soon as it is attached. */
export function exitingPty(): PtySession {
  let exit: ((s: number | null) => void) | undefined;
  return { onData: () => {}, onExit: (l) => void (exit = l), write: () => {}, resize: () => {}, kill: () => exit?.(0) };
}

export class FakeTerminal implements Terminal {
  readonly printed: string[] = [];
  handOvers = 0;
  size() {
    return { columns: 100, rows: 30 };
  }
  async handOver<T>(fn: (tty: Tty) => Promise<T>): Promise<T> {
    this.handOvers++;
    const tty: Tty = {
      size: this.size(),
      print: (lines) => void this.printed.push(...lines),
      attach: (session) =>
        new Promise((resolve) => {
          session.onExit(resolve);
          session.kill();
        }),
    };
    return fn(tty);
  }
}

export interface HarnessOptions {
  readonly commands: readonly string[];
  readonly breakpoints?: readonly Breakpoint[];
  readonly step?: boolean;
  /** Exit status and output of a command line; default: `false…` fails, the rest succeeds. */
  readonly script?: (command: string) => { status: number; output?: string[] };
  /** What the editor does to the recipe file. */
  readonly edit?: (file: string) => Promise<void>;
  readonly throttleMs?: number;
}

export async function harness(t: { after: (fn: () => Promise<void>) => void }, o: HarnessOptions) {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-tui-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'r.yaml');
  await writeFile(file, runRecipe(...o.commands));
  const plan = await planRecipe(file);
  const machine = new FakeMachine();
  const script = o.script ?? ((c: string) => ({ status: c.startsWith('false') ? 1 : 0, output: [`ran ${c}`] }));
  machine.script = (req) => script(req.argv.at(-1) ?? '');
  const bus = new EventBus();
  const events: BuildEvent[] = [];
  bus.add({ write: (e) => void events.push(e) });
  const ws = await Workspace.create(join(dir, 'state'), file);
  const services = fakeServices(machine, bus, ws, dir);
  const contextFor = (s: PlanStep) => new StageContext(services, s.number, s.action.recipeDir, 'amd64', 512);
  const runnable = (s: PlanStep, context: StageContext): RunnableStep => ({
    index: s.number, kind: s.action.kind, description: s.action.description, context, params: '{}', cacheEffect: async () => 'unknown' as const,
    stages: {
      run: async (ctx) => {
        const command = (s.action.params as { command: string }).command;
        await ctx.exec({ argv: ['sh', '-c', command], chroot: false, label: 'run' });
      },
    },
  });
  const { session, steps } = openSession(plan, machine, ws.dir, (_p, s) => runnable(s, contextFor(s)));
  const infos = plan.steps.map(stepInfo);
  const controller = new Controller(infos, { breakpoints: o.breakpoints ?? [], stepFirst: o.step ?? false }, bus);
  const store = new DebuggerStore({ steps: infos, sources: stepSources(plan), control: controller.state, user: 'tester', verbose: false, throttleMs: o.throttleMs ?? 0 });
  bus.add(store);
  const terminal = new FakeTerminal();
  const edited: string[] = [];
  const dbg = new Debugger({
    store, controller, terminal,
    replan: () => planRecipe(file),
    editor: async (f) => {
      edited.push(f);
      await o.edit?.(f);
      return exitingPty();
    },
  });
  dbg.attach(session);
  const run = (): Promise<BuildOutcome> => runSteps({ recipe: file, steps, control: controller, ...uncachedRun(services, ws) });
  const commandsRun = () => machine.calls.filter((c) => c.what === 'exec').map((c) => (c.detail as { argv: string[] }).argv.at(-1));
  return { dir, file, plan, machine, bus, events, ws, session, controller, store, terminal, dbg, edited, run, commandsRun };
}

/** Waits until `cond` holds, checking after each turn of the event loop. */
export async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
