// debstep build: the recipe, start to end, with debos's log on stdout.
import { keptByDefault, runBuild } from '../engine/build.js';
import { EventBus } from '../core/events.js';
import { ActionFailure } from '../core/errors.js';
import { type Control, runStraight } from '../engine/run/runner.js';
import { attachTerminal } from '../util/attach-terminal.js';
import { buildConfig, chooseBackendFor, startBuild } from './build-setup.js';
import { join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Plan } from '../engine/recipe/plan.js';
import { bootImage } from './boot.js';
import type { Options, ParsedArgs } from './options.js';
import { recipeArg } from './recipe-arg.js';
import { failureDetails, report } from './report.js';
import { Interrupt } from './interrupt.js';
import { progressMode, progressSink } from './progress.js';

/** The disk image that --boot boots: the last one the recipe makes (debos joins its name under the artifact directory). */
function lastImage(plan: Plan, options: Options): string {
  const made = plan.steps.filter((s) => s.action.kind === 'image-partition').map((s) => (s.action.params as { imagename: string }).imagename);
  if (made.length === 0) throw new UsageError('--boot boots the disk image a recipe makes, and this recipe makes none (no image-partition action)');
  return join(resolve(options.artifactDir ?? '.'), made.at(-1)!);
}

export async function run({ options, positionals }: ParsedArgs): Promise<number> {
  const progress = progressMode(options.progress, process.stdout.isTTY === true, process.env);
  // With --progress json, stdout has nothing but events.
  const plan = await startBuild(recipeArg('build', positionals), options, progress === 'json' ? process.stderr : process.stdout);
  if (typeof plan === 'number') return plan;
  const image = options.boot ? lastImage(plan, options) : undefined;
  const config = await buildConfig(options);
  const choice = await chooseBackendFor(options);
  const bus = new EventBus();
  bus.add(progressSink(progress, process.stdout, options.verbose, process.env));
  const interrupt = new Interrupt((signal) => bus.emit({ type: 'info', message: `${signal}: stopping the build` }));
  const result = await runBuild(plan, config, choice, bus, { control: (session) => {
    if (!options.debugShell) return interrupt.wrap(runStraight);
    const control: Control = {
      beforeAction: runStraight.beforeAction,
      async afterFailure(index, failure) {
        // The failed command first: in the shell one usually retries it with changes.
        process.stderr.write(`error: ${failure.message}\n${failureDetails(failure).join('\n')}\n`);
        const shell = await session.shell(index, { chroot: true, cols: process.stdout.columns || 80, rows: process.stdout.rows || 24, shell: options.shell });
        await attachTerminal(shell, process.stdin, process.stdout);
        return { do: 'abort' };
      },
    };
    return interrupt.wrap(control);
  },
  // An interrupted build leaves nothing behind, unless --keep asks for its workspace.
  keep: (outcome) => (interrupt.signal ? config.keep : keptByDefault(outcome, config)) }).finally(() => interrupt.dispose());
  if (interrupt.exitCode !== undefined) {
    process.stderr.write(`Interrupted by ${interrupt.signal}: the build was stopped and cleaned up.\n`);
    if (result.kept) process.stderr.write(`The workspace is kept in ${result.workspace}.\n`);
    return interrupt.exitCode;
  }
  if (result.status === 'success') return image ? bootImage(image, options) : 0;
  const code = result.error ? report(result.error, options.verbose) : 1;
  if (result.logFailure) report(result.logFailure, options.verbose);
  if (result.kept) process.stderr.write(`The workspace is kept in ${result.workspace}; \`debstep shell\` enters its root.\n`);
  return result.error instanceof ActionFailure ? 1 : code;
}
