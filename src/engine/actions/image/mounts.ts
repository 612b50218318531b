// Where image-partition mounts the file systems, and the fstab and kernel root it leaves
// for filesystem-deploy, as debos makes them.
import type { Mountpoint } from './schema.js';
import { mountType } from './commands.js';
import type { PartitionEntry } from './table.js';

/**
 * debos's mount order: `/` first, then by the number of slashes (a stable sort), so a
 * mount point comes after the one it lies in whatever the recipe's order.
 */
export function mountOrder<M extends Pick<Mountpoint, 'mountpoint'>>(mountpoints: readonly M[]): M[] {
  const depth = (m: M) => (m.mountpoint === '/' ? -1 : m.mountpoint.split('/').length - 1);
  return [...mountpoints].sort((a, b) => depth(a) - depth(b));
}

/** A mount point with its partition's file system and UUID. */
export interface MountedPartition {
  readonly mount: Mountpoint;
  readonly partition: PartitionEntry;
  readonly uuid: string;
}

/**
 * The fstab lines, in mount order: `UUID=… <mountpoint> <type> defaults[,options] 0
 * <pass>`, pass 1 for /, 2 for the others, 0 without fsck; build-time mounts have none.
 */
export function fstabLines(mounts: readonly MountedPartition[]): string {
  return mounts
    .filter((m) => !m.mount.buildtime)
    .map(({ mount, partition, uuid }) => {
      const pass = !partition.fsck ? 0 : mount.mountpoint === '/' ? 1 : 2;
      return `UUID=${uuid}\t${mount.mountpoint}\t${mountType(partition.fs)}\t${['defaults', ...mount.options].join(',')}\t0\t${pass}\n`;
    })
    .join('');
}

/** `root=UUID=…` of the partition mounted at /, for the kernel command line. */
export function kernelRoot(mounts: readonly MountedPartition[]): string | undefined {
  const root = mounts.find((m) => m.mount.mountpoint === '/');
  return root && `root=UUID=${root.uuid}`;
}
