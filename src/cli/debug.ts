// debstep debug: the build, action by action, in the terminal debugger (src/tui/).
import { Writable } from 'node:stream';
import { ACTION_KINDS } from '../engine/actions/index.js';
import { type Breakpoint, parseBreakpoint } from '../engine/controller/breakpoints.js';
import { keptByDefault, runBuild } from '../engine/build.js';
import { ActionFailure, UsageError } from '../core/errors.js';
import { EventBus } from '../core/events.js';
import type { Plan } from '../engine/recipe/plan.js';
import { openEditor } from '../tui/editor.js';
import { buildConfig, chooseBackendFor, planForBuild, startBuild } from './build-setup.js';
import type { ParsedArgs } from './options.js';
import { recipeArg } from './recipe-arg.js';
import { report } from './report.js';

/** A --break SPEC, checked against the plan: an index must name an action. */
function checkedBreakpoint(spec: string, plan: Plan): Breakpoint {
  const bp = parseBreakpoint(spec, ACTION_KINDS);
  if (bp.type === 'index' && (bp.index < 1 || bp.index > plan.steps.length)) {
    throw new UsageError(`--break ${spec}: the plan has actions 1 to ${plan.steps.length}`, { hint: `debstep check ${plan.recipe.file} lists them` });
  }
  return bp;
}

/**
 * The debugger, with React's production build: the development build is several times
 * slower and keeps a performance entry per render, so memory grows with a long build.
 * React picks its build when first loaded; NODE_ENV is put back at once so that the
 * build's commands do not inherit it.
 */
async function loadDebugger(): Promise<typeof import('../tui/open-debugger.js')> {
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV ??= 'production';
  try {
    return await import('../tui/open-debugger.js');
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
  }
}

/** Swallows what planForBuild prints (--print-recipe, warnings) when the recipe is planned again. */
const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

export async function run({ options, positionals }: ParsedArgs): Promise<number> {
  const file = recipeArg('debug', positionals);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('debstep debug needs a terminal: its input and output must be a TTY', {
      hint: 'run it in a terminal (tmux works too); without one, debstep build runs the recipe and --debug-shell opens a shell on failure',
    });
  }
  const plan = await startBuild(file, options);
  if (typeof plan === 'number') return plan;
  const breakpoints = options.breakpoints.map((spec) => checkedBreakpoint(spec, plan));
  const config = await buildConfig(options);
  const choice = await chooseBackendFor(options);
  const bus = new EventBus();
  const { openDebugger } = await loadDebugger();
  const { debugger: dbg, controller, screen, crashed } = openDebugger({
    plan,
    bus,
    breakpoints,
    step: options.step,
    verbose: options.verbose,
    io: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    replan: () => planForBuild(file, options, discard, discard),
    editor: openEditor,
    ...(options.shell ? { shell: options.shell } : {}),
  });
  // A signal (the terminal closed, kill) stops the build as quitting does, keeping the workspace.
  const onSignal = () => dbg.stop(true);
  const signals = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;
  for (const s of signals) process.on(s, onSignal);
  screen.open();
  let result;
  try {
    result = await runBuild(plan, config, choice, bus, {
      control: (session) => {
        dbg.attach(session);
        return controller;
      },
      keep: (outcome) => dbg.keep ?? keptByDefault(outcome, config),
    });
    await dbg.done;
  } finally {
    screen.close();
    for (const s of signals) process.off(s, onSignal);
  }
  const crash = crashed();
  if (crash) throw crash;
  const tainted = result.tainted ? ` (tainted: skipped action${result.skipped.length === 1 ? '' : 's'} ${result.skipped.join(', ')})` : '';
  const kept = result.kept ? `The workspace is kept in ${result.workspace}; \`debstep shell\` enters its root.\n` : '';
  if (result.status === 'success') {
    process.stdout.write(`==== Recipe done${tainted} ====\n${kept}`);
    return 0;
  }
  const code = result.error ? report(result.error, options.verbose) : 1;
  if (result.logFailure) report(result.logFailure, options.verbose);
  if (result.status === 'aborted') process.stderr.write(`The build was stopped before it finished${tainted}.\n`);
  process.stderr.write(kept);
  return result.error instanceof ActionFailure ? 1 : code;
}
