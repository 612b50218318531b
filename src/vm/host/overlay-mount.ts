// The root's overlay mount, whichever util-linux mounts it. util-linux 2.39 and newer mount
// through the kernel's fd-based API (fsconfig), which refuses a string option over 256
// bytes: the lowerdir of four or five layers under a state directory is longer. So each
// layer is named by a short symbolic link in a directory made for the mount and removed
// after it (overlayfs resolves the links once, when it mounts), and mount is asked for the
// classic mount(2) (LIBMOUNT_FORCE_MOUNT2, util-linux 2.39.1 and newer; older ones use it
// anyway), whose options may fill a page: more layers than overlayfs stacks (500).
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RootLayers } from '../machine.js';
import { kernelAtLeast } from '../kernel-release.js';

/** Whether a kernel of this release (`uname -r`) knows overlayfs's `volatile`: 5.10 and newer. */
export function hasVolatileOverlay(release: string): boolean {
  return kernelAtLeast(release, 5, 10);
}

/** The directories of an overlay mount, by the names mount is given. */
export interface OverlayNames {
  readonly upper: string;
  readonly work: string;
  /** Newest first. */
  readonly lowers: readonly string[];
}

/**
 * The overlay's mount options. `volatile` (Linux 5.10+) drops the syncs that reach the
 * upper layer: in a TCG guest each fsync is a journal commit of about 6 ms, and dpkg syncs
 * its database a few dozen times per package. The VM's disks are QEMU's cache=unsafe, so
 * those syncs never made a layer durable; a layer the store keeps is synced as a whole when
 * sealed.
 */
export function overlayOptions(names: OverlayNames, volatile: boolean): string {
  return `lowerdir=${names.lowers.join(':')},upperdir=${names.upper},workdir=${names.work}${volatile ? ',volatile' : ''}`;
}

/** The short names the links take: lowers by their position, then u and w. */
export function shortNames(lowerCount: number): OverlayNames {
  return { upper: 'u', work: 'w', lowers: Array.from({ length: lowerCount }, (_, i) => String(i)) };
}

/** The environment that makes util-linux's mount use mount(2). */
const CLASSIC_MOUNT_ENV = { LIBMOUNT_FORCE_MOUNT2: 'always' } as const;

/**
 * Mounts `layers` as an overlay on `target`: `mount` runs the given argv (the mount command
 * and its arguments) in the links' directory, with `env` added to its environment.
 */
export async function mountOverlay(
  layers: RootLayers,
  target: string,
  volatile: boolean,
  mount: (argv: string[], cwd: string, env: Readonly<Record<string, string>>) => Promise<void>,
): Promise<void> {
  const links = await mkdtemp(join(tmpdir(), 'debstep-layers-'));
  try {
    const names = shortNames(layers.lowers.length);
    const real = (name: string) => resolve(layers.dir, name);
    await Promise.all([
      symlink(real(layers.upper), join(links, names.upper)),
      symlink(real(layers.work), join(links, names.work)),
      ...layers.lowers.map((l, i) => symlink(real(l), join(links, names.lowers[i]!))),
    ]);
    await mount(['mount', '-t', 'overlay', 'debstep-root', '-o', overlayOptions(names, volatile), target], links, CLASSIC_MOUNT_ENV);
  } finally {
    await rm(links, { recursive: true, force: true });
  }
}
