// The command lines image-partition runs, exactly as debos runs them (reference §1), as
// pure functions of the properties and the devices.
import { FAT, type ImagePartition } from './schema.js';
import type { PartitionEntry } from './table.js';

/** `parted -s DEV mklabel gpt|msdos [gap]`. */
export function mklabelArgv(p: ImagePartition, device: string): string[] {
  return ['parted', '-s', device, 'mklabel', p.partitiontype, ...(p.gpt_gap ? [p.gpt_gap] : [])];
}

/** `sfdisk --disk-id DEV ID`: an msdos id is 8 hex digits, given to sfdisk as 0x…. */
export function diskIdArgv(p: ImagePartition, device: string): string[] | undefined {
  if (!p.diskid) return undefined;
  return ['sfdisk', '--disk-id', device, p.partitiontype === 'msdos' ? `0x${p.diskid}` : p.diskid];
}

/** The file system type parted's mkpart records (only a partition type hint). */
function partedFsType(fs: string): string | undefined {
  if (fs === 'fat16') return 'fat16';
  if (FAT.includes(fs)) return 'fat32';
  if (fs === 'hfsplus') return 'hfs+';
  if (fs === 'f2fs' || fs === 'none') return undefined;
  return fs;
}

/**
 * The commands that make partition `e` in the table, before its file system: mkpart,
 * each flag, then sfdisk for the type, the attributes and the partition UUID.
 */
export function partitionArgvs(e: PartitionEntry, device: string): string[][] {
  const fsType = partedFsType(e.fs);
  const n = String(e.number);
  const argvs = [['parted', '-a', 'none', '-s', '--', device, 'mkpart', e.mkpartName, ...(fsType ? [fsType] : []), e.start, e.end]];
  for (const flag of e.flags) argvs.push(['parted', '-s', device, 'set', n, flag, 'on']);
  if (e.parttype) argvs.push(['sfdisk', '--part-type', device, n, e.parttype]);
  // Bits 0-2 by name: libfdisk does not take them as numbers (util-linux issue 3353).
  const names: Record<string, string> = { '0': 'RequiredPartition', '1': 'NoBlockIOProtocol', '2': 'LegacyBIOSBootable' };
  if (e.partattrs.length) argvs.push(['sfdisk', '--part-attrs', device, n, e.partattrs.map((a) => names[a] ?? a).join(',')]);
  if (e.partuuid) argvs.push(['sfdisk', '--part-uuid', device, n, e.partuuid]);
  return argvs;
}

const EXT = ['ext2', 'ext3', 'ext4'];

/**
 * The mkfs command for a partition's file system, with its environment; undefined for
 * `none`. With `epoch` (reproducible output) mke2fs and mkfs.vfat write no time but it,
 * and mkfs.vfat nothing random.
 */
export function mkfsCommand(e: PartitionEntry, partitionDevice: string, epoch?: number): { argv: string[]; env: Record<string, string> } | undefined {
  const label = e.fslabel;
  const features = e.features.length ? ['-O', e.features.join(',')] : [];
  let argv: string[];
  if (FAT.includes(e.fs)) {
    const bits = e.fs === 'fat12' ? ['-F12'] : e.fs === 'fat16' ? ['-F16'] : e.fs === 'fat' ? [] : ['-F32'];
    argv = ['mkfs.vfat', '-n', label, ...bits, ...(e.fsuuid ? ['-i', e.fsuuid] : []), ...(epoch === undefined ? [] : ['--invariant'])];
  } else if (e.fs === 'btrfs') {
    // -f: a partition made where an old file system was must still be formatted.
    argv = ['mkfs.btrfs', '-L', label, '-f', ...features, ...(e.fsuuid ? ['-U', e.fsuuid] : [])];
  } else if (e.fs === 'f2fs') {
    argv = ['mkfs.f2fs', '-l', label, ...features];
  } else if (e.fs === 'hfs') {
    argv = ['mkfs.hfs', '-h', '-v', label];
  } else if (e.fs === 'hfsplus') {
    argv = ['mkfs.hfsplus', '-v', label];
  } else if (e.fs === 'hfsx') {
    argv = ['mkfs.hfsplus', '-s', '-v', label];
  } else if (e.fs === 'xfs') {
    argv = ['mkfs.xfs', '-L', label, ...(e.fsuuid ? ['-m', `uuid=${e.fsuuid}`] : [])];
  } else if (e.fs === 'none') {
    return undefined;
  } else {
    const extended = e.extendedoptions.length ? ['-E', e.extendedoptions.join(',')] : [];
    argv = [`mkfs.${e.fs}`, '-L', label, ...features, ...extended, ...(e.fsuuid && EXT.includes(e.fs) ? ['-U', e.fsuuid] : [])];
  }
  // mkfs.ext* would otherwise zero ranges with fallocate, which some drivers get wrong
  // (debos: UML's block driver; `bmaptool create` then misses the holes).
  if (!EXT.includes(e.fs)) return { argv: [...argv, partitionDevice], env: {} };
  // mke2fs reads a fake time of 0 as none.
  const time: Record<string, string> = epoch === undefined ? {} : { E2FSPROGS_FAKE_TIME: String(Math.max(epoch, 1)) };
  return { argv: [...argv, partitionDevice], env: { UNIX_IO_NOZEROOUT: '1', ...time } };
}

/** `blkid` reading the file system UUID from the device itself, no cache. */
export const uuidArgv = (partitionDevice: string) => ['blkid', '-o', 'value', '-s', 'UUID', '-p', '-c', 'none', partitionDevice];

/** The type `mount` and fstab take: vfat for the FAT family, hfsplus for hfsx. */
export function mountType(fs: string): string {
  if (FAT.includes(fs)) return 'vfat';
  if (fs === 'hfsx') return 'hfsplus';
  return fs;
}

/**
 * Runs `argv` holding an exclusive lock on the whole image device, as debos does around
 * mkfs and mount: udev (where it runs) re-reads a partition table only when it can lock
 * the disk, and a re-read makes the partition nodes vanish for a moment.
 */
export const locked = (device: string, argv: readonly string[]) => ['flock', device, ...argv];
