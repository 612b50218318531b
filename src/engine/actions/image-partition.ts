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
 * - `imagename` (required): the image file, relative to the artifact directory.
 * - `imagesize` (required): `4GB`, `8G` (decimal: 8·10⁹ bytes) or `4GiB` (binary).
 * - `partitiontype` (required): `gpt` or `msdos`.
 * - `diskid`: disk identifier: a GUID for gpt, 8 hex digits for msdos.
 * - `gpt_gap`: offset of the GPT (needs a parted that supports it); gpt only.
 * - `partitions`: in order; with msdos and more than four, the fourth becomes an
 *   extended partition holding the rest as logical ones.
 *   - `name` (required, unique), `fs` (required; `none` for no filesystem),
 *     `start`, `end` (required; parted offsets like `0%`, `256MB`, `100%`).
 *   - `partlabel`: GPT partition name (gpt only); default `name`.
 *   - `fslabel`: filesystem label; default `name`. At most 11 characters for fat,
 *     16 for ext2/3/4, 12 for xfs, 255 for btrfs and hfs/hfsplus, 512 for f2fs.
 *   - `parttype`: partition type: 2 hex digits for msdos, a GUID for gpt.
 *   - `partattrs`: GPT attribute bits to set (0–2, 48–63).
 *   - `partuuid`: partition GUID (gpt only).
 *   - `fsuuid`: filesystem UUID (btrfs, ext2/3/4, xfs), or 8 hex digits for fat.
 *   - `features`, `extendedoptions`: mkfs `-O` / `-E` options; `flags`: parted flags.
 *   - `fsck`: check at boot (fstab pass number); default true.
 * - `mountpoints`:
 *   - `mountpoint` (required, unique): path in the root.
 *   - `partition` (required): a partition's name; it must have a filesystem.
 *   - `options`: extra fstab options.
 *   - `buildtime`: mount only during the build, not in fstab; default false.
 */
import { type z } from 'zod';
import { defineAction, PropertyError, type VerifyContext } from '../action.js';
import { bool, listOf, mapping, oneOf, parseGoInt, str, strList } from '../recipe/properties.js';
import { actionFields } from './fields.js';
import { parseImageSize, parseSize } from './size.js';

const partitionSchema = mapping({
  name: str(),
  fs: str(),
  start: str(),
  end: str(),
  partlabel: str().optional(),
  fslabel: str().optional(),
  parttype: str().optional(),
  partattrs: strList().default([]),
  partuuid: str().optional(),
  fsuuid: str().optional(),
  features: strList().default([]),
  extendedoptions: strList().default([]),
  flags: strList().default([]),
  fsck: bool().default(true),
});

const mountpointSchema = mapping({
  mountpoint: str(),
  partition: str(),
  options: strList().default([]),
  buildtime: bool().default(false),
});

const schema = mapping({
  ...actionFields('image-partition'),
  imagename: str(),
  imagesize: str(),
  partitiontype: oneOf(['gpt', 'msdos']),
  diskid: str().optional(),
  gpt_gap: str().optional(),
  partitions: listOf(partitionSchema).default([]),
  mountpoints: listOf(mountpointSchema).default([]),
});

type ImagePartition = z.output<typeof schema>;
type Partition = z.output<typeof partitionSchema>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX32 = /^[0-9a-f]{8}$/i;
const FAT = ['fat', 'fat12', 'fat16', 'fat32', 'msdos', 'vfat'];
const UUID_FS = ['btrfs', 'ext2', 'ext3', 'ext4', 'xfs'];
const LABEL_LIMITS = new Map<string, number>([
  ...FAT.map((fs) => [fs, 11] as const),
  ...[['ext2', 16], ['ext3', 16], ['ext4', 16], ['xfs', 12], ['btrfs', 255], ['hfs', 255], ['hfsplus', 255], ['f2fs', 512]] as const,
]);

/** A partition as it is created: numbered, labelled, with the name parted's mkpart takes. */
export interface PartitionEntry extends Partition {
  readonly number: number;
  readonly partlabel: string;
  readonly fslabel: string;
  /** gpt: the partition label; msdos: primary, extended or logical. */
  readonly mkpartName: string;
}

/**
 * The partition table debos creates. An msdos table holds four primary partitions, so
 * with more than four debos inserts an extended one (no filesystem) in fourth place,
 * spanning from the fourth partition's start to the last one's end.
 */
export function partitionTable(p: ImagePartition): PartitionEntry[] {
  const parts = [...p.partitions];
  const extended = p.partitiontype === 'msdos' && parts.length > 4;
  if (extended) {
    parts.splice(3, 0, partitionSchema.parse({ name: 'extended', fs: 'none', start: parts[3]!.start, end: parts.at(-1)!.end }));
  }
  return parts.map((part, i) => ({
    ...part,
    number: i + 1,
    partlabel: part.partlabel ?? part.name,
    fslabel: part.fslabel ?? part.name,
    mkpartName:
      p.partitiontype === 'gpt' ? (part.partlabel ?? part.name) : !extended || i < 3 ? 'primary' : i === 3 ? 'extended' : 'logical',
  }));
}

function verifyPartition(part: Partition, at: string, p: ImagePartition, ctx: VerifyContext): void {
  const gpt = p.partitiontype === 'gpt';
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

export const imagePartition = defineAction({
  kind: 'image-partition',
  unsupported: 'disk images are not supported yet',
  schema,
  verify(p, ctx) {
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
      verifyPartition(part, `partitions.${i}`, p, ctx);
    });
    p.mountpoints.forEach((m, i) => {
      if (p.mountpoints.findIndex((other) => other.mountpoint === m.mountpoint) < i) {
        throw new PropertyError(`mountpoints.${i}.mountpoint`, `mountpoint "${m.mountpoint}" already exists`);
      }
      const part = p.partitions.find((x) => x.name === m.partition);
      if (!part) throw new PropertyError(`mountpoints.${i}.partition`, `no partition named "${m.partition}" for mountpoint ${m.mountpoint}`);
      if (part.fs.toLowerCase() === 'none') {
        throw new PropertyError(`mountpoints.${i}.partition`, `cannot mount ${m.mountpoint}: partition "${part.name}" has no filesystem`);
      }
    });
    if (parseImageSize(p.imagesize) === undefined) {
      throw new PropertyError('imagesize', `cannot parse image size "${p.imagesize}"`, 'write a size like 4GB (decimal) or 4GiB (binary)');
    }
  },
});
