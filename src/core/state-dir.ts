// Where debstep keeps its builds and caches unless --state-dir says otherwise: the engine's
// workspaces and the VM's kernels and KVM answers live under it.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** /var/lib/debstep for root, the user's cache directory otherwise. */
export function defaultStateDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/debstep';
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'debstep');
}
