// Command-line options: one table gives each option its flags, value, help and the
// sub-commands that take it, and drives both parsing and --help. debos's flags behave as
// go-flags parses them: -tK:V, -t K:V, --template-var=K:V, options after the recipe.
import { UsageError } from '../core/errors.js';
import { closest } from '../util/suggest.js';
import { splitVar } from '../engine/recipe/vars.js';

export type Command = 'build' | 'debug' | 'render' | 'check' | 'matrix' | 'doctor' | 'shell' | 'boot';

type Kind = 'flag' | 'value' | 'list';

interface OptionSpec {
  readonly key: keyof Options;
  readonly long: string;
  readonly short?: string;
  readonly kind: Kind;
  readonly value?: string;
  readonly help: string;
  readonly commands: readonly Command[];
  /** Allowed values, for validation and help. */
  readonly choices?: readonly string[];
}

const BUILDING: readonly Command[] = ['build', 'debug'];
const RENDERING: readonly Command[] = ['build', 'debug', 'render', 'check'];
const RUNNING: readonly Command[] = ['build', 'debug', 'shell'];

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'templateVars', long: 'template-var', short: 't', kind: 'list', value: 'NAME:VALUE', help: 'template variable (repeatable); NAME alone means empty; for matrix, NAME:V1,V2,... is an axis', commands: [...RENDERING, 'matrix'] },
  { key: 'strict', long: 'strict', kind: 'flag', help: 'unknown recipe properties are errors (by default they are warnings and ignored, as debos ignores them)', commands: [...RENDERING, 'matrix'] },
  { key: 'lenient', long: 'lenient', kind: 'flag', help: 'the default: unknown recipe properties are warnings (kept for scripts that pass it)', commands: [...RENDERING, 'matrix'] },
  { key: 'format', long: 'format', kind: 'value', value: 'NAME', choices: ['github', 'gitlab', 'json'], help: 'github: a strategy.matrix JSON (default); gitlab: a parallel:matrix YAML; json: the list of builds', commands: ['matrix'] },
  { key: 'environVars', long: 'environ-var', short: 'e', kind: 'list', value: 'NAME:VALUE', help: 'environment variable for commands (repeatable); NAME: removes a proxy variable', commands: RUNNING },
  { key: 'artifactDir', long: 'artifactdir', kind: 'value', value: 'DIR', help: 'where artifacts go (default: the current directory)', commands: BUILDING },
  { key: 'debugShell', long: 'debug-shell', kind: 'flag', help: 'on failure, open a shell in the root with the failed action\'s environment', commands: BUILDING },
  { key: 'shell', long: 'shell', short: 's', kind: 'value', value: 'SHELL', help: 'shell for --debug-shell and the debugger (default /bin/bash, else /bin/sh)', commands: RUNNING },
  { key: 'verbose', long: 'verbose', short: 'v', kind: 'flag', help: 'show command lines, environments and machine diagnostics; stack traces on errors', commands: ['build', 'debug', 'render', 'check', 'matrix', 'doctor', 'shell', 'boot'] },
  { key: 'printRecipe', long: 'print-recipe', kind: 'flag', help: 'print the template variables and the rendered recipe', commands: BUILDING },
  { key: 'dryRun', long: 'dry-run', kind: 'flag', help: 'check the recipe and stop before running anything', commands: BUILDING },
  { key: 'disableFakemachine', long: 'disable-fakemachine', kind: 'flag', help: 'run on the host (same as --backend host)', commands: BUILDING },
  { key: 'fakemachineBackend', long: 'fakemachine-backend', short: 'b', kind: 'value', value: 'NAME', choices: ['auto', 'kvm', 'qemu'], help: 'VM acceleration: auto, kvm or qemu (TCG)', commands: BUILDING },
  { key: 'backend', long: 'backend', kind: 'value', value: 'NAME', choices: ['auto', 'host', 'vm'], help: 'where actions run: host (chroot), vm (QEMU) or auto', commands: BUILDING },
  { key: 'memory', long: 'memory', short: 'm', kind: 'value', value: 'SIZE', help: 'VM memory (default 2Gb; 1GB for boot)', commands: [...BUILDING, 'boot'] },
  { key: 'cpus', long: 'cpus', short: 'c', kind: 'value', value: 'N', help: 'VM CPUs (default 2)', commands: [...BUILDING, 'boot'] },
  { key: 'scratchSize', long: 'scratchsize', kind: 'value', value: 'SIZE', help: 'VM scratch disk size (default: tmpfs)', commands: BUILDING },
  { key: 'showBoot', long: 'show-boot', kind: 'flag', help: 'show the VM console while it boots', commands: RUNNING },
  { key: 'accel', long: 'accel', kind: 'value', value: 'NAME', choices: ['auto', 'kvm', 'tcg'], help: 'VM acceleration: KVM when a probe proves it works (auto), kvm, or tcg', commands: [...BUILDING, 'boot'] },
  { key: 'firmware', long: 'firmware', kind: 'value', value: 'NAME', choices: ['bios', 'uefi'], help: 'firmware to boot the image with (default: UEFI for a GPT image with an EFI system partition and no BIOS boot partition, else BIOS)', commands: ['boot'] },
  { key: 'boot', long: 'boot', kind: 'flag', help: 'after a successful build, boot the disk image it made (as debstep boot does)', commands: ['build'] },
  { key: 'kernel', long: 'kernel', kind: 'value', value: 'FILE', help: 'kernel image for the VM (default: the running kernel if its modules are installed, else the newest installed one)', commands: RUNNING },
  { key: 'modules', long: 'modules', kind: 'value', value: 'DIR', help: "the VM kernel's modules directory (default: /lib/modules/RELEASE)", commands: RUNNING },
  { key: 'stateDir', long: 'state-dir', kind: 'value', value: 'DIR', help: 'where workspaces and caches live (default /var/lib/debstep as root, else ~/.cache/debstep)', commands: ['build', 'debug', 'shell', 'doctor', 'boot'] },
  { key: 'cacheDir', long: 'cache-dir', kind: 'value', value: 'DIR', help: 'where the layer and package caches live, to keep between CI runs (default $DEBSTEP_CACHE_DIR, else STATE-DIR/cache)', commands: BUILDING },
  { key: 'keep', long: 'keep', kind: 'flag', help: 'keep the workspace after a successful build', commands: BUILDING },
  { key: 'reproducible', long: 'reproducible', kind: 'flag', help: 'bit-identical artifacts from the same inputs: timestamps clamped to SOURCE_DATE_EPOCH (default 0), build-time noise removed (also on when SOURCE_DATE_EPOCH is set)', commands: BUILDING },
  { key: 'noCache', long: 'no-cache', kind: 'flag', help: 'run every action, without taking unchanged results from earlier builds', commands: BUILDING },
  { key: 'noManifest', long: 'no-manifest', kind: 'flag', help: 'write no NAME.manifest, NAME.spdx.json and NAME.sha256 next to artifacts', commands: BUILDING },
  { key: 'events', long: 'events', kind: 'value', value: 'FILE', help: 'write build events as JSON Lines to FILE (schema: docs/events.md)', commands: BUILDING },
  { key: 'progress', long: 'progress', kind: 'value', value: 'MODE', choices: ['plain', 'tty', 'json'], help: 'output: plain (a line per event, no colours or control sequences), tty (colours; NO_COLOR turns them off) or json (the events as JSON Lines); default tty on a terminal, else plain', commands: ['build'] },
  { key: 'breakpoints', long: 'break', kind: 'list', value: 'SPEC', help: 'pause before: a plan index (3), an action kind (apt) or a description glob ("Install*")', commands: ['debug'] },
  { key: 'step', long: 'step', kind: 'flag', help: 'pause before the first action', commands: ['debug'] },
  { key: 'arch', long: 'arch', kind: 'list', value: 'ARCH', help: 'also check running ARCH binaries (repeatable)', commands: ['doctor'] },
  { key: 'help', long: 'help', short: 'h', kind: 'flag', help: 'show this help', commands: ['build', 'debug', 'render', 'check', 'matrix', 'doctor', 'shell', 'boot'] },
];

export interface Options {
  templateVars: string[];
  environVars: string[];
  strict: boolean;
  lenient: boolean;
  artifactDir: string | undefined;
  debugShell: boolean;
  shell: string | undefined;
  verbose: boolean;
  printRecipe: boolean;
  dryRun: boolean;
  disableFakemachine: boolean;
  fakemachineBackend: string | undefined;
  backend: string | undefined;
  memory: string | undefined;
  cpus: string | undefined;
  scratchSize: string | undefined;
  showBoot: boolean;
  accel: string | undefined;
  firmware: string | undefined;
  boot: boolean;
  kernel: string | undefined;
  modules: string | undefined;
  stateDir: string | undefined;
  cacheDir: string | undefined;
  keep: boolean;
  noCache: boolean;
  reproducible: boolean;
  noManifest: boolean;
  events: string | undefined;
  progress: string | undefined;
  format: string | undefined;
  breakpoints: string[];
  step: boolean;
  arch: string[];
  help: boolean;
}

export interface ParsedArgs {
  readonly options: Options;
  readonly positionals: readonly string[];
}

function defaults(): Options {
  return {
    templateVars: [], environVars: [], strict: false, lenient: false, artifactDir: undefined,
    debugShell: false, shell: undefined, verbose: false, printRecipe: false, dryRun: false,
    disableFakemachine: false, fakemachineBackend: undefined, backend: undefined,
    memory: undefined, cpus: undefined, scratchSize: undefined, showBoot: false,
    accel: undefined, firmware: undefined, boot: false, kernel: undefined, modules: undefined,
    stateDir: undefined, cacheDir: undefined, keep: false, noCache: false, reproducible: false, noManifest: false, events: undefined, progress: undefined, format: undefined, breakpoints: [], step: false,
    arch: [], help: false,
  };
}

function specFor(command: Command, name: string, short: boolean): OptionSpec {
  const spec = OPTIONS.find((o) => (short ? o.short === name : o.long === name));
  const shown = short ? `-${name}` : `--${name}`;
  if (!spec) {
    const longs = OPTIONS.filter((o) => o.commands.includes(command)).map((o) => o.long);
    const guess = short ? undefined : closest(name, longs);
    throw new UsageError(`unknown option ${shown}` + (guess ? ` (did you mean --${guess}?)` : ''), {
      hint: `see debstep ${command} --help`,
    });
  }
  if (!spec.commands.includes(command)) {
    throw new UsageError(`option ${shown} does not apply to debstep ${command}`);
  }
  return spec;
}

function assign(opts: Options, spec: OptionSpec, value: string | undefined): void {
  if (spec.kind === 'flag') {
    (opts[spec.key] as boolean) = true;
    return;
  }
  if (value === undefined) throw new UsageError(`option --${spec.long} needs a value (${spec.value})`);
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(`invalid value "${value}" for --${spec.long}: expected one of ${spec.choices.join(', ')}`);
  }
  if (spec.kind === 'list') (opts[spec.key] as string[]).push(value);
  else (opts[spec.key] as string | undefined) = value;
}

/** Parses the arguments that follow the sub-command. Options and positionals may mix. */
export function parseArgs(command: Command, argv: readonly string[]): ParsedArgs {
  const options = defaults();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = specFor(command, name, false);
      if (spec.kind === 'flag') {
        if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
        assign(options, spec, undefined);
      } else {
        assign(options, spec, eq === -1 ? argv[++i] : arg.slice(eq + 1));
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A group of short flags (-vh), the last of which may take a value: -tK:V or -t K:V.
      for (let j = 1; j < arg.length; j++) {
        const spec = specFor(command, arg[j]!, true);
        if (spec.kind === 'flag') {
          assign(options, spec, undefined);
          continue;
        }
        const rest = arg.slice(j + 1);
        assign(options, spec, rest !== '' ? rest : argv[++i]);
        break;
      }
    } else {
      positionals.push(arg);
    }
  }
  return { options, positionals };
}

/** The -t variables as a map; later ones win. */
export function templateVars(opts: Options): Map<string, string> {
  return new Map(opts.templateVars.map(splitVar));
}

/** The help text of one sub-command's options. */
export function optionsHelp(command: Command): string {
  const rows = OPTIONS.filter((o) => o.commands.includes(command)).map((o) => {
    const flags = (o.short ? `-${o.short}, ` : '    ') + `--${o.long}` + (o.value ? ` ${o.value}` : '');
    return [flags, o.help] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n');
}
