// The debstep command: picks the sub-command, runs it, and is the one place that turns
// errors into messages and exit codes (0 success, 1 build failure, 2 usage or recipe error).
import { DebstepError, RecipeErrors } from './engine/errors.js';
import { type Command, parseArgs } from './cli/options.js';
import { commandHelp, mainHelp } from './cli/help.js';
import { VERSION } from './version.js';

const COMMANDS: Record<Command, () => Promise<{ run(args: ReturnType<typeof parseArgs>): Promise<number> }>> = {
  build: () => import('./cli/build.js'),
  debug: () => import('./cli/debug.js'),
  render: () => import('./cli/render.js'),
  check: () => import('./cli/check.js'),
  doctor: () => import('./cli/doctor.js'),
  shell: () => import('./cli/shell.js'),
};

function isCommand(name: string | undefined): name is Command {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(mainHelp());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === 'version') {
    process.stdout.write(`debstep ${VERSION}\n`);
    return 0;
  }
  // `debstep RECIPE [flags]` is `debstep build`, so debstep drops in where debos was called.
  const command: Command = isCommand(first) ? first : 'build';
  const args = parseArgs(command, isCommand(first) ? argv.slice(1) : argv);
  if (args.options.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const module = await COMMANDS[command]();
  return module.run(args);
}

function report(err: unknown, verbose: boolean): number {
  if (err instanceof DebstepError) {
    const errors = err instanceof RecipeErrors ? err.errors : [err];
    for (const e of errors) {
      process.stderr.write(`error: ${e.located}\n`);
      if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
    }
    if (verbose && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  // Anything else is a bug in debstep: say so, with the trace only when asked.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: internal error: ${message}\n`);
  if (verbose && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('hint: run again with --verbose for the stack trace\n');
  return 1;
}

const argv = process.argv.slice(2);
const verbose = argv.includes('-v') || argv.includes('--verbose');
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = report(err, verbose);
  },
);
