// A lock file holding its owner's pid, for a resource one process at a time may use (the
// VM's layer store disk, the shared package cache). A lock whose owner is gone is taken over.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

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

/** Who holds a lock: its pid, and what it said it is (a build's id). */
export interface Holder {
  readonly heldBy: number;
  readonly label?: string;
}

const holderOf = async (path: string): Promise<Holder> => {
  const [pid, label] = (await readFile(path, 'utf8').catch(() => '0')).split('\n');
  return { heldBy: Number(pid?.trim()) || 0, ...(label ? { label } : {}) };
};

/** Takes the lock at `path`, or says which live process holds it. `label` is written after
 * the pid, for whoever waits to say whom they wait for. */
export async function takeLock(path: string, label?: string): Promise<PidLock | Holder> {
  for (let tries = 0; tries < 3; tries++) {
    try {
      await writeFile(path, `${process.pid}\n${label ? `${label}\n` : ''}`, { flag: 'wx' });
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await holderOf(path);
    if (holder.heldBy && alive(holder.heldBy)) return holder;
    // Stale: its owner died. Remove it and try again (another process may win the race).
    await rm(path, { force: true });
  }
  return holderOf(path);
}

/** Takes the lock at `path`, waiting while another live process holds it; `onWait` is
 * told once, with the holder, when it has to wait. */
export async function waitForLock(path: string, opts: { label?: string; signal?: AbortSignal; onWait?: (holder: Holder) => void } = {}): Promise<PidLock> {
  let told = false;
  for (;;) {
    opts.signal?.throwIfAborted();
    const got = await takeLock(path, opts.label);
    if ('release' in got) return got;
    if (!told) opts.onWait?.(got);
    told = true;
    await sleep(250, undefined, opts.signal ? { signal: opts.signal } : {});
  }
}
