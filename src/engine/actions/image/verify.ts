// image-partition's verify: debos's rules, and what debos finds only when parted or mkfs
// fails (an unknown file system, partitions that do not fit or overlap).
import { PropertyError, type VerifyContext } from '../action.js';
import { parseGoInt } from '../../recipe/properties.js';
import { closest } from '../../../util/suggest.js';
import { checkArtifactName } from '../fields.js';
import { parseImageSize, parseSize } from '../../../core/size.js';
import { FAT, type ImagePartition, type Partition } from './schema.js';
import { checkGeometry, needsExtended } from './table.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{8}$/i;
const UUID_FS = ['btrfs', 'ext2', 'ext3', 'ext4', 'xfs'];
const LABEL_LIMITS = new Map<string, number>([
  ...FAT.map((fs) => [fs, 11] as const),
  ...[['ext2', 16], ['ext3', 16], ['ext4', 16], ['xfs', 12], ['btrfs', 255], ['hfs', 255], ['hfsplus', 255], ['f2fs', 512]] as const,
]);
/** File systems debos makes with a command of its own (commands.ts), and others whose
 * `mkfs.<fs> -L label` takes debos's general form. */
const FILESYSTEMS = [...FAT, 'ext2', 'ext3', 'ext4', 'btrfs', 'xfs', 'f2fs', 'hfs', 'hfsplus', 'hfsx', 'exfat', 'ntfs', 'jfs', 'nilfs2', 'none'];
/** Sizes past what a Number holds exactly (8 PiB) are past what file systems take, too. */
const MAX_IMAGE = Number.MAX_SAFE_INTEGER;

function verifyPartition(part: Partition, at: string, p: ImagePartition, ctx: VerifyContext): void {
  const gpt = p.partitiontype === 'gpt';
  if (!FILESYSTEMS.includes(part.fs)) {
    const guess = closest(part.fs, FILESYSTEMS);
    throw new PropertyError(`${at}.fs`, `unknown filesystem "${part.fs}"${guess ? ` (did you mean "${guess}"?)` : ''}`, `the filesystems are ${FILESYSTEMS.join(', ')}`);
  }
  if (part.fsuuid !== undefined) {
    const [format, expected] = UUID_FS.includes(part.fs) ? [GUID, 'a GUID'] : FAT.includes(part.fs) ? [HEX32, '8 hexadecimal digits'] : [];
    if (!format) throw new PropertyError(`${at}.fsuuid`, `setting the filesystem UUID is not supported for ${part.fs}`);
    if (!format.test(part.fsuuid)) {
      throw new PropertyError(`${at}.fsuuid`, `incorrect filesystem UUID "${part.fsuuid}" for ${part.fs}: expected ${expected}`);
    }
  }
  if (part.partlabel !== undefined && !gpt) {
    throw new PropertyError(`${at}.partlabel`, "'partlabel' can only be set on a gpt partition table");
  }
  if (part.partuuid !== undefined && !(gpt && GUID.test(part.partuuid))) {
    const message = gpt ? `incorrect partition UUID "${part.partuuid}": expected a GUID` : "'partuuid' can only be set on a gpt partition table";
    throw new PropertyError(`${at}.partuuid`, message);
  }
  const typeLength = gpt ? 36 : 2;
  if (part.parttype !== undefined && part.parttype.length !== typeLength) {
    throw new PropertyError(`${at}.parttype`, `incorrect partition type for ${part.name}: expected ${typeLength} characters`);
  }
  part.partattrs.forEach((bit, j) => {
    const n = parseGoInt(bit) ?? -1;
    if (!(n >= 0 && n <= 2) && !(n >= 48 && n <= 63)) {
      throw new PropertyError(`${at}.partattrs.${j}`, `partition attribute bit '${bit}' outside of valid range (0-2, 48-63)`);
    }
  });
  const label = part.fslabel ?? part.name;
  const limit = LABEL_LIMITS.get(part.fs);
  if (limit !== undefined && label.length > limit) {
    const property = `${at}.${part.fslabel === undefined ? 'name' : 'fslabel'}`;
    throw new PropertyError(property, `filesystem label "${label}" is too long for ${part.fs} (at most ${limit} characters)`);
  }
  if (limit === undefined && part.fs !== 'none' && part.fslabel !== undefined) {
    ctx.warn(`${at}.fslabel`, `setting a filesystem label for ${part.fs} is not supported`);
  }
}

/**
 * `partitiontype: GPT`: parted takes any case, but debos compares the word with "gpt" and
 * "msdos" letter for letter. With GPT, debos 1.1.7 builds the table "gpt" builds (1.1.1
 * names every partition "primary"); with MSDOS, 1.1.1 builds an msdos table and 1.1.6 and
 * later fail at parted. debstep reads the word as its lowercase, as parted does, and says so.
 */
function readPartitionType(p: ImagePartition, ctx: VerifyContext): void {
  const type = p.partitiontype.toLowerCase();
  if (type === p.partitiontype) return;
  const debos =
    type === 'gpt'
      ? 'debos 1.1.7 builds the same table, but 1.1.1 names every partition "primary" and debos refuses partlabel, parttype, partuuid and gpt_gap with it'
      : 'debos 1.1.1 builds the same table, but 1.1.6 and later pass the partition names to parted, which refuses them';
  ctx.tolerate('partitiontype', `partitiontype "${p.partitiontype}" is read as "${type}", as parted reads it: debos compares the word letter for letter (${debos}); write "${type}"`);
  p.partitiontype = type;
}

/** Throws PropertyError for what debos's Verify rejects, and what parted would. */
export function verifyImagePartition(p: ImagePartition, ctx: VerifyContext): void {
  checkArtifactName('imagename', p.imagename);
  readPartitionType(p, ctx);
  const gpt = p.partitiontype === 'gpt';
  if (p.gpt_gap !== undefined) {
    if (!gpt) throw new PropertyError('gpt_gap', "'gpt_gap' can only be used with a gpt partition table");
    if (parseSize(p.gpt_gap, false) === undefined) throw new PropertyError('gpt_gap', `cannot parse GPT offset "${p.gpt_gap}"`);
    ctx.warn('gpt_gap', "'gpt_gap' needs a parted that supports an offset argument to mklabel");
  }
  if (p.diskid !== undefined && !(gpt ? GUID : HEX32).test(p.diskid)) {
    throw new PropertyError('diskid', `incorrect disk ID "${p.diskid}": expected ${gpt ? 'a GUID' : '8 hexadecimal digits'}`);
  }
  p.partitions.forEach((part, i) => {
    if (p.partitions.findIndex((other) => other.name === part.name) < i) {
      throw new PropertyError(`partitions.${i}.name`, `partition "${part.name}" already exists`);
    }
    if (needsExtended(p) && part.name === 'extended') {
      throw new PropertyError(`partitions.${i}.name`, 'the name "extended" belongs to the extended partition debos adds for the partitions from the fourth on: choose another');
    }
    verifyPartition(part, `partitions.${i}`, p, ctx);
  });
  p.mountpoints.forEach((m, i) => {
    if (p.mountpoints.findIndex((other) => other.mountpoint === m.mountpoint) < i) {
      throw new PropertyError(`mountpoints.${i}.mountpoint`, `mountpoint "${m.mountpoint}" already exists`);
    }
    if (!m.mountpoint.startsWith('/')) {
      throw new PropertyError(`mountpoints.${i}.mountpoint`, `mountpoint "${m.mountpoint}" is not an absolute path in the image`);
    }
    const part = p.partitions.find((x) => x.name === m.partition);
    if (!part) throw new PropertyError(`mountpoints.${i}.partition`, `no partition named "${m.partition}" for mountpoint ${m.mountpoint}`);
    if (part.fs.toLowerCase() === 'none') {
      throw new PropertyError(`mountpoints.${i}.partition`, `cannot mount ${m.mountpoint}: partition "${part.name}" has no filesystem`);
    }
  });
  const bytes = parseImageSize(p.imagesize);
  if (bytes === undefined) {
    throw new PropertyError('imagesize', `cannot parse image size "${p.imagesize}"`, 'write a size like 4GB (decimal) or 4GiB (binary)');
  }
  if (bytes > MAX_IMAGE || bytes < ctx.sectorSize) {
    throw new PropertyError('imagesize', `image size "${p.imagesize}" (${bytes} bytes) is ${bytes < ctx.sectorSize ? 'smaller than a sector' : 'larger than a disk image can be'}`);
  }
  checkGeometry(p, bytes, ctx.sectorSize);
}
