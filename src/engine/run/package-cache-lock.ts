// The package cache (cache/apt-archives/ARCH) is shared by every build on a state or cache
// directory, bound over the root's /var/cache/apt/archives. apt locks that directory with
// fcntl, and a second build's apt fails at once ("Could not get lock
// /var/cache/apt/archives/lock. It is held by process 0"); debootstrap and mmdebstrap write
// into it too. So an action that uses it holds a lock file beside it for its stage, and a
// second build waits, saying once for whom.
import { basename } from 'node:path';
import { type PidLock, waitForLock } from '../../util/pid-lock.js';

export class PackageCacheLock {
  private held: Promise<PidLock> | undefined;

  /** Holds the lock of the package cache `dir` (once per stage however often asked). */
  async hold(dir: string, build: string, signal: AbortSignal | undefined, tell: (message: string) => void): Promise<void> {
    this.held ??= waitForLock(`${dir}.lock`, {
      label: build,
      ...(signal ? { signal } : {}),
      onWait: (h) => tell(`waiting for the package cache ${basename(dir)}, used by ${h.label ? `build ${h.label}` : 'another build'} (pid ${h.heldBy})`),
    });
    try {
      await this.held;
    } catch (err) {
      this.held = undefined;
      throw err;
    }
  }

  /** Lets the next build have it: at the end of the stage that took it. */
  async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    // A wait that failed (aborted) holds nothing to release.
    await (await held?.catch(() => undefined))?.release();
  }
}
