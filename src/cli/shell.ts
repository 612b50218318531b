// debstep shell [BUILD]: a shell inside the root of a kept build, with the mounts and the
// build-time files an action's chroot commands get.
import { buildTimeFiles, withBuildTimeFiles } from '../engine/chroot-files.js';
import { buildEnvironment } from '../engine/environ.js';
import { HostError, UsageError } from '../engine/errors.js';
import { defaultStateDir, Workspace } from '../engine/workspace.js';
import { attachTerminal } from '../util/attach-terminal.js';
import { HostMachine } from '../vm/host/host-machine.js';
import { enterPrivateMountNamespace } from '../vm/host/namespace.js';
import { type ParsedArgs } from './options.js';

export async function run({ options, positionals }: ParsedArgs): Promise<number> {
  if (positionals.length > 1) throw new UsageError('debstep shell takes at most one build');
  if (process.getuid?.() !== 0) throw new HostError('debstep shell needs root (it mounts the root and chroots)', { hint: 'run it with sudo' });
  const entered = await enterPrivateMountNamespace();
  if (entered !== true) return entered;
  const { ws, state } = await Workspace.open(options.stateDir ?? defaultStateDir(), positionals[0]);
  const layers = ws.current();
  if (!layers) throw new HostError(`the build in ${ws.dir} stopped before it had a root`);
  const machine = new HostMachine(ws.root, 'debstep shell');
  await machine.mountRoot(layers);
  try {
    process.stderr.write(`Entering the root of ${ws.dir} (${state.recipe}, ${state.architecture}, ${state.status}); exit to leave.\n`);
    const shell = options.shell ?? ((await machine.files.exists('/bin/bash')) ? '/bin/bash' : '/bin/sh');
    const env = buildEnvironment(options.environVars, process.env);
    const status = await withBuildTimeFiles(machine.files, await buildTimeFiles(), async () => {
      const session = await machine.shell({ chroot: true, shell, env, cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
      return attachTerminal(session, process.stdin, process.stdout);
    });
    return status ?? 1;
  } finally {
    await machine.close();
  }
}
