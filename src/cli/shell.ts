// debstep shell [BUILD]: a shell inside the root of a kept build, with the mounts and the
// build-time files an action's chroot commands get, on the backend that built it.
import { buildTimeFiles, withBuildTimeFiles } from '../engine/run/chroot-files.js';
import { buildEnvironment } from '../engine/machine/environ.js';
import { HostError, UsageError } from '../core/errors.js';
import { createMachine } from '../engine/machine/machines.js';
import { Workspace } from '../engine/workspace/workspace.js';
import { defaultStateDir } from '../core/state-dir.js';
import { attachTerminal } from '../util/attach-terminal.js';
import { enterPrivateMountNamespace } from './mount-namespace.js';
import type { ParsedArgs } from './options.js';

export async function run({ options, positionals }: ParsedArgs): Promise<number> {
  if (positionals.length > 1) throw new UsageError('debstep shell takes at most one build');
  const stateDir = options.stateDir ?? defaultStateDir();
  const { state } = await Workspace.open(stateDir, positionals[0]);
  if (state.backend === 'host') {
    if (process.getuid?.() !== 0) throw new HostError('this build ran on the host: its root needs root to mount', { hint: 'run debstep shell with sudo' });
    const entered = await enterPrivateMountNamespace();
    if (entered !== true) return entered;
  }
  const { ws } = await Workspace.open(stateDir, positionals[0]);
  const layers = ws.current();
  if (!layers) throw new HostError(`the build in ${ws.dir} stopped before it had a root`);
  // The shell may have opened a fresh top layer (the old one is shared with the cache).
  await ws.saveState(state);
  const env = buildEnvironment(options.environVars, process.env);
  const say = (source: string, message: string) => process.stderr.write(`[${source}] ${message}\n`);
  const machine = await createMachine({ backend: state.backend, accel: 'auto', reason: 'debstep shell' }, ws, {
    accel: 'auto',
    showBoot: options.showBoot,
    kernel: options.kernel,
    modules: options.modules,
    verbose: options.verbose,
    env,
    shares: [],
    onDiagnostic: say,
    onConsole: (line) => say('console', line),
  });
  try {
    await machine.mountRoot(layers);
    process.stderr.write(`Entering the root of ${ws.dir} (${state.recipe}, ${state.architecture}, ${state.status}); exit to leave.\n`);
    const shell = options.shell ?? ((await machine.files.exists('/bin/bash')) ? '/bin/bash' : '/bin/sh');
    const status = await withBuildTimeFiles(machine.files, await buildTimeFiles(machine), async () => {
      const session = await machine.shell({ chroot: true, shell, env, cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
      return attachTerminal(session, process.stdin, process.stdout);
    });
    return status ?? 1;
  } finally {
    await machine.close();
  }
}
