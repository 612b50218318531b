// Help texts. Options come from the table in options.ts, so help and parsing agree.
import { type Command, optionsHelp } from './options.js';

const USAGE: Record<Command, { args: string; about: string }> = {
  build: { args: 'RECIPE', about: 'Build the recipe (a drop-in for `debos RECIPE`: same flags, same exit codes).' },
  debug: { args: 'RECIPE', about: 'Build the recipe in the interactive debugger: breakpoints, stepping, shells, retry.' },
  render: { args: 'RECIPE', about: 'Print the rendered recipe template, byte for byte, and nothing else.' },
  check: { args: 'RECIPE', about: 'Validate the recipe and print the numbered plan of actions.' },
  matrix: { args: 'RECIPE -t NAME:V1,V2...', about: 'Print the build matrix over -t axes for CI: GitHub Actions, GitLab CI or JSON.' },
  doctor: { args: '', about: 'Check the host: root, tools, binfmt for foreign architectures, KVM, disk space.' },
  shell: { args: '[BUILD]', about: 'Open a shell inside the root of a kept build (the last one by default).' },
  boot: { args: 'IMAGE', about: 'Start an amd64 disk image in QEMU with its console on this terminal (the image is not changed).' },
};

export function mainHelp(): string {
  const rows = Object.entries(USAGE)
    .map(([name, u]) => `  ${name.padEnd(7)} ${u.about}`)
    .join('\n');
  return `debstep: build Debian images from debos recipes, and step through the build.

Usage: debstep COMMAND [OPTIONS] ARGS
       debstep RECIPE [OPTIONS]          same as debstep build RECIPE

Commands:
${rows}

Exit status: 0 success, 1 build failure, 2 usage or recipe error, 130 interrupted (128 + the
signal: 143 for SIGTERM).
Run debstep COMMAND --help for a command's options; debstep --version for the version.
`;
}

export function commandHelp(command: Command): string {
  const u = USAGE[command];
  return `Usage: debstep ${command} [OPTIONS]${u.args ? ` ${u.args}` : ''}

${u.about}

Options:
${optionsHelp(command)}
`;
}
