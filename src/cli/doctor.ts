// debstep doctor: can this host build images, and if not, what fixes it.
import { defaultStateDir } from '../core/state-dir.js';
import { type Check, checkArch, checkDisk, checkKvm, checkOverlay, checkRoot, checkTools } from '../vm/diagnostics.js';
import type { ParsedArgs } from './options.js';

const MARK = { ok: 'ok  ', note: 'note', problem: 'FAIL' } as const;

export async function run({ options }: ParsedArgs): Promise<number> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const arches = [...new Set(['arm64', 'armhf', ...options.arch])];
  const sections: [string, Promise<Check[]>][] = [
    ['Privileges', checkRoot().then((c) => [c])],
    ['Tools', checkTools()],
    ['Foreign architectures', Promise.all(arches.map(checkArch))],
    ['Virtual machine', checkKvm(stateDir, { kernel: options.kernel, modules: options.modules }).then((c) => [c])],
    ['State directory', Promise.all([checkDisk(stateDir), checkOverlay(stateDir)])],
  ];
  let problems = 0;
  for (const [title, checks] of sections) {
    process.stdout.write(`${title}:\n`);
    for (const c of await checks) {
      if (c.severity === 'ok' && !options.verbose && title === 'Tools') continue;
      process.stdout.write(`  [${MARK[c.severity]}] ${c.name}: ${c.detail}\n`);
      if (c.remedy && c.severity !== 'ok') process.stdout.write(`         fix: ${c.remedy}\n`);
      if (c.severity === 'problem') problems++;
    }
  }
  process.stdout.write(problems ? `\n${problems} problem${problems > 1 ? 's' : ''} found.\n` : '\nNo problems found.\n');
  return problems ? 1 : 0;
}
