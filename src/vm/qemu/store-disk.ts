// The layer cache's store for VM builds: a sparse ext4 disk image in the state directory,
// kept between builds, that the guest mounts where the store is. overlayfs cannot stack
// layers from 9p shares written by the guest, and an unprivileged user cannot keep
// root-owned files on the host: a disk of the VM's own holds them. One VM at a time can
// use it; another build meanwhile runs without the cache, and says so.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathExists } from '../../util/exists.js';
import { type PidLock, takeLock } from '../../util/pid-lock.js';
import { createExt4Image } from './disk-image.js';
import type { GuestDisk } from './init-script.js';

export const STORE_SERIAL = 'debstep-store';
/** Sparse: only what is written takes space, and the guest gives deleted layers back (discard). */
const STORE_BYTES = 128 * 2 ** 30;

export interface StoreDisk {
  readonly qemu: { readonly path: string; readonly serial: string };
  readonly guest: GuestDisk;
  readonly lock: PidLock;
}

/** The store disk for this VM, or why it cannot have it. */
export async function storeDisk(store: { readonly image: string; readonly dir: string }, options: string): Promise<StoreDisk | { readonly unavailable: string }> {
  await mkdir(dirname(store.image), { recursive: true });
  const lock = await takeLock(`${store.image}.lock`);
  if ('heldBy' in lock) return { unavailable: `another build (process ${lock.heldBy}) is using the VM's layer cache; this one runs every action` };
  try {
    if (!(await pathExists(store.image))) await createExt4Image(store.image, STORE_BYTES, 'debstep-store');
    await mkdir(store.dir, { recursive: true });
  } catch (err) {
    await lock.release();
    return { unavailable: `cannot make the VM's layer cache disk ${store.image}: ${(err as Error).message}` };
  }
  return { qemu: { path: store.image, serial: STORE_SERIAL }, guest: { serial: STORE_SERIAL, path: store.dir, options }, lock };
}
