// A lock file holding its owner's pid, for a resource one process at a time may use (the
// VM's layer store disk). A lock whose owner is gone is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';

export interface PidLock {
  release(): Promise<void>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // ESRCH: no such process. EPERM: alive, another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the lock at `path`, or says which live process holds it. */
export async function takeLock(path: string): Promise<PidLock | { heldBy: number }> {
  for (let tries = 0; tries < 3; tries++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // Gone or unreadable since: owner 0 is no live process, so the loop tries again.
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (owner && alive(owner)) return { heldBy: owner };
    // Stale: its owner died. Remove it and try again (another process may win the race).
    await rm(path, { force: true });
  }
  // Only for the message: the lock is not taken either way.
  return { heldBy: Number((await readFile(path, 'utf8').catch(() => '0')).trim()) };
}
