// The debstep command: picks the sub-command, runs it, and is the one place that turns
// errors into messages and exit codes (0 success, 1 build failure, 2 usage or recipe error;
// build exits 128 + the signal, 130 for SIGINT, when one interrupts it: see cli/interrupt.ts).
import { type Command, parseArgs } from './cli/options.js';
import { commandHelp, mainHelp } from './cli/help.js';
import { report } from './cli/report.js';
import { VERSION } from './core/version.js';
import { enterPrivateMountNamespace } from './cli/mount-namespace.js';
import { mayMount } from './vm/host/privilege.js';
import { fixUmask } from './core/umask.js';

const COMMANDS: Record<Command, () => Promise<{ run(args: ReturnType<typeof parseArgs>): Promise<number> }>> = {
  build: () => import('./cli/build.js'),
  debug: () => import('./cli/debug.js'),
  render: () => import('./cli/render.js'),
  check: () => import('./cli/check.js'),
  matrix: () => import('./cli/matrix.js'),
  doctor: () => import('./cli/doctor.js'),
  shell: () => import('./cli/shell.js'),
  boot: () => import('./cli/boot.js'),
};

function isCommand(name: string | undefined): name is Command {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    // A usage error like debos's "No recipe given!": stdout stays clean for scripts.
    process.stderr.write(`error: no command or recipe given\n\n${mainHelp()}`);
    return 2;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(mainHelp());
    return 0;
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
  // A build as root runs in a private mount namespace of its own (cli/mount-namespace.ts).
  // The parent only waits for the re-executed child: it enters before it loads the engine,
  // which would cost it as long again as the child (a third of a second).
  if ((command === 'build' || command === 'debug') && !args.options.dryRun && mayMount()) {
    const entered = await enterPrivateMountNamespace();
    if (entered !== true) return entered;
  }
  // Before anything is made: the state directory, the layers, the root, the commands.
  fixUmask();
  const module = await COMMANDS[command]();
  return module.run(args);
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
