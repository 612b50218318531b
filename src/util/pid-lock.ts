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
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (owner && alive(owner)) return { heldBy: owner };
    // Stale: its owner died. Remove it and try again (another process may win the race).
    await rm(path, { force: true });
  }
  return { heldBy: Number((await readFile(path, 'utf8').catch(() => '0')).trim()) };
}
