// A VM that died or hung, explained with the last lines of its console: the user sees the
// guest's own words (init's FATAL line, a kernel panic, QEMU's error) instead of a missing
// result file.
import { BuildError } from '../../core/errors.js';

const TELLING = [/debstep-init: FATAL: (.*)/, /debstep-agent: FATAL: (.*)/, /(Kernel panic - not syncing: .*)/, /qemu-system-[\w-]+: (.*)/];

/** The console line that says best why the guest stopped, if any. */
export function stopReason(lines: readonly string[]): string | undefined {
  for (const pattern of TELLING) {
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = pattern.exec(lines[i]!);
      if (m) return m[1]!.trim();
    }
  }
  return undefined;
}

export class VmFailure extends BuildError {
  constructor(
    what: string,
    /** The last console lines, oldest first. */
    readonly consoleTail: readonly string[],
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    const reason = stopReason(consoleTail);
    const shown = consoleTail.slice(-15).map((l) => `  | ${l}`);
    const tail = shown.length ? `\nlast console lines:\n${shown.join('\n')}` : '\n(the console printed nothing)';
    super(`${what}${reason ? `: ${reason}` : ''}${tail}`, { hint: opts.hint ?? 'run with --show-boot to see the whole boot', cause: opts.cause });
  }
}
