/**
 * image-partition: create a disk image, partition it, make the filesystems and mount them
 * for the actions that follow (filesystem-deploy copies the root into them).
 *
 * ```yaml
 * - action: image-partition
 *   imagename: debian.img
 *   imagesize: 4GB
 *   partitiontype: gpt
 *   mountpoints:
 *     - mountpoint: /
 *       partition: root
 *   partitions:
 *     - name: efi
 *       fs: vfat
 *       start: 0%
 *       end: 256MB
 *     - name: root
 *       fs: ext4
 *       start: 256MB
 *       end: 100%
 * ```
 *
 * - `imagename` (required): the image file, joined under the artifact directory.
 * - `imagesize` (required): `4GB`, `8G` (decimal: 8·10⁹ bytes) or `4GiB` (binary).
 * - `partitiontype` (required): `gpt` or `msdos`.
 * - `diskid`: disk identifier: a GUID for gpt, 8 hex digits for msdos.
 * - `gpt_gap`: offset of the GPT (needs a parted that supports it); gpt only.
 * - `partitions`: in order; with msdos and more than four, the fourth becomes an
 *   extended partition holding the rest as logical ones.
 *   - `name` (required, unique), `fs` (required: ext2, ext3, ext4, vfat, fat12, fat16,
 *     fat32, btrfs, xfs, f2fs, hfs, hfsplus, hfsx, exfat, ntfs, jfs, nilfs2, or `none`),
 *     `start`, `end` (required; parted offsets like `0%`, `256MB`, `1GiB`, `2048s`, `100%`).
 *   - `partlabel`: GPT partition name (gpt only); default `name`.
 *   - `fslabel`: filesystem label; default `name`. At most 11 characters for fat,
 *     16 for ext2/3/4, 12 for xfs, 255 for btrfs and hfs/hfsplus, 512 for f2fs.
 *   - `parttype`: partition type: 2 hex digits for msdos, a GUID for gpt.
 *   - `partattrs`: GPT attribute bits to set (0–2, 48–63).
 *   - `partuuid`: partition GUID (gpt only).
 *   - `fsuuid`: filesystem UUID (btrfs, ext2/3/4, xfs), or 8 hex digits for fat.
 *   - `features`, `extendedoptions`: mkfs `-O` / `-E` options; `flags`: parted flags.
 *   - `fsck`: check at boot (fstab pass number); default true.
 * - `mountpoints`: mounted `/` first, then by depth, under the workspace's mount directory
 *   (`$IMAGEMNTDIR` for later commands on the build host; `$IMAGE` is the image's device).
 *   - `mountpoint` (required, unique): path in the image.
 *   - `partition` (required): a partition's name; it must have a filesystem.
 *   - `options`: extra fstab options.
 *   - `buildtime`: mount only during the build, not in fstab; default false.
 *
 * Everything is unmounted and the image's device released when the build ends; after a
 * failed build the image is deleted, as debos does.
 *
 * For reproducible output (SOURCE_DATE_EPOCH, --reproducible) the disk id, GPT partition
 * UUIDs, file system UUIDs and ext hash seeds the recipe does not give are derived from
 * the epoch and the names (image/seeded.ts), and mke2fs and mkfs.vfat write the epoch.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { defineAction } from './action.js';
import type { DiskImage } from './image/build-images.js';
import { BuildError } from '../../core/errors.js';
import type { StageContext } from '../run/stage.js';
import { diskIdArgv, locked, mkfsCommand, mklabelArgv, mountType, partitionArgvs, uuidArgv } from './image/commands.js';
import { fstabLines, kernelRoot, type MountedPartition, mountOrder } from './image/mounts.js';
import { type ImagePartition, imagePartitionSchema } from './image/schema.js';
import { seededImage } from './image/seeded.js';
import { checkGeometry, partitionTable, type PartitionEntry } from './image/table.js';
import { verifyImagePartition } from './image/verify.js';
import { parseImageSize } from '../../core/size.js';

export { partitionTable, type PartitionEntry } from './image/table.js';

const host = (ctx: StageContext, argv: readonly string[], label: string, env: Record<string, string> = {}) =>
  ctx.exec({ argv, chroot: false, label, env });

/** The file system's UUID: the recipe's, else what blkid reads on the partition. FAT
 * serials are written as blkid and /dev/disk/by-uuid show them (ABCD-1234). */
async function fsUuid(ctx: StageContext, e: PartitionEntry, device: string): Promise<string> {
  if (e.fsuuid) return /^[0-9a-f]{8}$/i.test(e.fsuuid) ? `${e.fsuuid.slice(0, 4)}-${e.fsuuid.slice(4)}`.toUpperCase() : e.fsuuid;
  const r = await host(ctx, uuidArgv(device), 'blkid');
  const uuid = r.outputTail.map((l) => l.trim()).filter(Boolean).at(-1);
  if (!uuid) throw new BuildError(`no filesystem UUID on partition ${e.number} (${e.name}, ${device}) after mkfs`);
  return uuid;
}

/** Partitions and formats the image on `device`, publishing its partitions. */
async function partition(p: ImagePartition, ctx: StageContext, publish: (next: Partial<DiskImage>) => void, device: string): Promise<Map<string, string>> {
  await host(ctx, mklabelArgv(p, device), 'parted');
  const diskId = diskIdArgv(p, device);
  if (diskId) await host(ctx, diskId, 'sfdisk');
  const uuids = new Map<string, string>();
  const table = partitionTable(p);
  for (const e of table) {
    for (const argv of partitionArgvs(e, device)) await host(ctx, argv, argv[0]!);
    const [part] = await ctx.machine.partitionDevices(device, [e.number]);
    const mkfs = mkfsCommand(e, part!.path, ctx.sourceDateEpoch);
    if (mkfs) await host(ctx, locked(device, mkfs.argv), `Formatting partition ${e.number}`, mkfs.env);
    if (e.fs !== 'none') uuids.set(e.name, await fsUuid(ctx, e, part!.path));
  }
  // sfdisk has the kernel re-read the table: ask for every node again.
  const devices = await ctx.machine.partitionDevices(device, table.map((e) => e.number));
  publish({ partitions: table.map((e, i) => ({ name: e.name, number: e.number, ...devices[i]! })) });
  return uuids;
}

export const imagePartition = defineAction({
  kind: 'image-partition',
  schema: imagePartitionSchema,
  verify: verifyImagePartition,
  cacheEffect: async () => ({ opaque: 'it makes a disk image, and the layer cache holds roots, not images' }),
  image(p, sectorSize) {
    const bytes = parseImageSize(p.imagesize) ?? 0;
    const sizes = checkGeometry(p, bytes, sectorSize);
    return {
      name: p.imagename,
      bytes,
      partitions: partitionTable(p).map((e) => ({ name: e.name, bytes: sizes.get(e.name) })),
      mountpoints: p.mountpoints.map((m) => ({ mountpoint: m.mountpoint, buildtime: m.buildtime })),
    };
  },
  async run(p, ctx) {
    const file = ctx.artifactPath(p.imagename);
    const device = await ctx.machine.attachImage({ path: file, bytes: parseImageSize(p.imagesize)!, sectorSize: ctx.sectorSize });
    let image: DiskImage = { file, device, partitions: [], mounted: [], fstab: '' };
    // Published at each step, so that cleanup undoes what was done even after a failure.
    const publish = (next: Partial<DiskImage>) => ctx.setImage((image = { ...image, ...next }));
    publish({});
    ctx.info(`Image ${file} is ${device.path}`);
    const epoch = ctx.sourceDateEpoch;
    const uuids = await partition(epoch === undefined ? p : seededImage(p, epoch), ctx, publish, device.path);

    const mountDir = join(ctx.scratchDir, 'mnt');
    await mkdir(mountDir, { recursive: true });
    publish({ mountDir });
    const mounts: MountedPartition[] = [];
    for (const mount of mountOrder(p.mountpoints)) {
      const part = partitionTable(p).find((e) => e.name === mount.partition)!;
      const dir = posix.join(mountDir, mount.mountpoint).replace(/(.)\/$/, '$1');
      const dev = image.partitions.find((x) => x.name === part.name)!.path;
      await host(ctx, ['mkdir', '-p', dir], 'mount');
      await host(ctx, locked(device.path, ['mount', '-t', mountType(part.fs), dev, dir]), 'mount');
      publish({ mounted: [...image.mounted, { dir, buildtime: mount.buildtime }] });
      mounts.push({ mount, partition: part, uuid: uuids.get(part.name)! });
    }
    const root = kernelRoot(mounts);
    publish({ fstab: fstabLines(mounts), ...(root ? { kernelRoot: root } : {}) });
  },
  async cleanup(_p, ctx) {
    const image = ctx.ownImage;
    if (!image) return;
    // Everything is tried; the first failure is the cleanup's.
    let failure: unknown;
    for (const m of [...image.mounted].reverse()) {
      try {
        await host(ctx, ['umount', m.dir], 'umount');
        // A build-time mount point leaves no directory behind (unless its file system is read-only).
        if (m.buildtime) await ctx.exec({ argv: ['rmdir', m.dir], chroot: false, label: 'umount' }, { allowFailure: true });
      } catch (err) {
        failure ??= err;
      }
    }
    ctx.setImage(undefined);
    await ctx.machine.detachImage(image.device.path).catch((err: unknown) => (failure ??= err));
    if (failure) throw failure;
  },
  // An image a failed build made is incomplete: debos deletes it.
  async postMachineCleanup(p, ctx) {
    if (ctx.buildStatus === 'success') return;
    const file = ctx.artifactPath(p.imagename);
    await rm(file, { force: true });
  },
});
