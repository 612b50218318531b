// For reproducible output: the identifiers image-partition would leave to chance (parted,
// sfdisk and mkfs draw them at random), derived from the epoch, the image's name and the
// partition's, unless the recipe gives them.
import { seededHex32, seededUuid } from '../reproducible.js';
import { FAT, type ImagePartition } from './schema.js';

/** The file systems whose UUID (FAT: volume id) mkfsCommand can set. */
const SETS_UUID = ['ext2', 'ext3', 'ext4', 'btrfs', 'xfs', ...FAT];

const EXT = ['ext2', 'ext3', 'ext4'];

/** `p` with a disk id, GPT partition UUIDs, file system UUIDs and ext directory hash seeds
 * (`-E hash_seed=`) wherever it gives none. */
export function seededImage(p: ImagePartition, epoch: number): ImagePartition {
  const seed = (...parts: string[]) => [p.imagename, ...parts];
  return {
    ...p,
    diskid: p.diskid ?? (p.partitiontype === 'gpt' ? seededUuid(epoch, ...seed('diskid')) : seededHex32(epoch, ...seed('diskid'))),
    partitions: p.partitions.map((part) => ({
      ...part,
      ...(p.partitiontype === 'gpt' && !part.partuuid ? { partuuid: seededUuid(epoch, ...seed(part.name, 'partuuid')) } : {}),
      ...(!part.fsuuid && SETS_UUID.includes(part.fs)
        ? { fsuuid: FAT.includes(part.fs) ? seededHex32(epoch, ...seed(part.name, 'fsuuid')) : seededUuid(epoch, ...seed(part.name, 'fsuuid')) }
        : {}),
      ...(EXT.includes(part.fs) && !part.extendedoptions.some((o) => o.startsWith('hash_seed='))
        ? { extendedoptions: [...part.extendedoptions, `hash_seed=${seededUuid(epoch, ...seed(part.name, 'hash_seed'))}`] }
        : {}),
    })),
  };
}

