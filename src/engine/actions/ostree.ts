// What ostree-commit and ostree-deploy share: the `ostree` program (debos links libostree;
// debstep runs the tool, on the host or in the VM, where the host's /usr is), and the
// GVariant text that carries debos's ref bindings on its command line.
import { HostError } from '../../core/errors.js';
import type { StageContext } from '../run/stage.js';

/** Fails with the package to install when `ostree` is not where commands run. */
export async function requireOstree(ctx: StageContext, kind: string): Promise<void> {
  if (!(await ctx.hasTool('ostree'))) throw new HostError(`the ${kind} action needs ostree, which is not installed`, { hint: 'apt-get install ostree' });
}

/** Runs `ostree ARGS…` on the build host (in the VM, inside it). */
export async function ostree(ctx: StageContext, label: string, args: readonly string[], env?: Readonly<Record<string, string>>): Promise<void> {
  await ctx.exec({ argv: ['ostree', ...args], chroot: false, label, ...(env ? { env } : {}) });
}

/** A GVariant string array in text format (`['a', 'b']`), as `--add-metadata` parses it. */
export function gvariantStrv(values: readonly string[]): string {
  return `[${values.map((v) => `'${v.replace(/[\\']/g, (c) => `\\${c}`)}'`).join(', ')}]`;
}
