// One build at a time in a cache that its tools lock for themselves: apt takes
// archives/lock, and a second build's apt, which cannot see the first one's process (it
// is in another PID namespace), fails at once ("held by process 0"). The build waits for
// the cache instead, and says what it waits for.
import { rm } from 'node:fs/promises';
import { type PidLock, takeLock } from '../../util/pid-lock.js';

const POLL_MS = 500;

/** Takes the lock at `path`, waiting while a live process holds it; `waiting` is told
 * (once) which process that is. */
export async function waitForLock(path: string, waiting: (pid: number) => void, signal?: AbortSignal): Promise<PidLock> {
  let told = false;
  for (;;) {
    const got = await takeLock(path);
    if ('release' in got) return got;
    // Held by this process: one build runs per process and its stages one at a time, so
    // it is a stage that ran outside the runner (which releases it), never a rival.
    if (got.heldBy === process.pid) return { release: () => rm(path, { force: true }) };
    if (!told) waiting(got.heldBy);
    told = true;
    signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
