// The partition table image-partition makes, and what can be told of it before parted
// runs: where each partition starts and ends, read the way parted reads `start` and `end`.
import { PropertyError } from '../action.js';
import { type ImagePartition, type Partition, partitionSchema } from './schema.js';

/** A partition as it is created: numbered, labelled, with the name parted's mkpart takes. */
export interface PartitionEntry extends Partition {
  readonly number: number;
  readonly partlabel: string;
  readonly fslabel: string;
  /** gpt: the partition label; msdos: primary, extended or logical. */
  readonly mkpartName: string;
  /** Its index in the recipe's `partitions`; undefined for the extended one debos adds. */
  readonly index: number | undefined;
}

/** Whether the table gets an extended partition: msdos holds four primary ones. */
export const needsExtended = (p: ImagePartition) => p.partitiontype === 'msdos' && p.partitions.length > 4;

/**
 * The partition table debos creates. An msdos table holds four primary partitions, so
 * with more than four debos inserts an extended one (no filesystem) in fourth place,
 * spanning from the fourth partition's start to the last one's end.
 */
export function partitionTable(p: ImagePartition): PartitionEntry[] {
  const parts: { part: Partition; index: number | undefined }[] = p.partitions.map((part, index) => ({ part, index }));
  const extended = needsExtended(p);
  if (extended) {
    const part = partitionSchema.parse({ name: 'extended', fs: 'none', start: p.partitions[3]!.start, end: p.partitions.at(-1)!.end });
    parts.splice(3, 0, { part, index: undefined });
  }
  return parts.map(({ part, index }, i) => ({
    ...part,
    index,
    number: i + 1,
    partlabel: part.partlabel ?? part.name,
    fslabel: part.fslabel ?? part.name,
    mkpartName:
      p.partitiontype === 'gpt' ? (part.partlabel ?? part.name) : !extended || i < 3 ? 'primary' : i === 3 ? 'extended' : 'logical',
  }));
}

/** A place on the disk as parted reads it: a sector, give or take `radius` sectors. */
export interface Place {
  readonly sector: number;
  readonly radius: number;
}

const POWERS = { k: 1, m: 2, g: 3, t: 4 } as const;

/**
 * Where parted puts a `start` or `end` (libparted's ped_unit_parse): a number and a unit,
 * of which only the first letter counts (`256M`, `256MB` and `256m` are all megabytes),
 * `Ki`… for binary units, `s` sectors, `%` of the disk, no unit meaning megabytes, a minus
 * counting from the end. parted places a partition anywhere within half a unit (less a
 * sector) of what was written, except for units that are powers of two, which are exact;
 * an end in such a unit is the sector before it. Undefined for what is not read here
 * (cylinders, CHS), which parted then judges alone.
 */
export function partedPlace(text: string, which: 'start' | 'end', diskBytes: number, sectorSize: number): Place | undefined {
  const m = /^\s*(-?)(\d+(?:\.\d*)?|\.\d+)\s*([a-z%]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const suffix = m[3]!.toLowerCase();
  const first = suffix[0] ?? 'm';
  let unit: number;
  if (suffix[1] === 'i' && first in POWERS) unit = 1024 ** POWERS[first as keyof typeof POWERS];
  else if (first in POWERS) unit = 1000 ** POWERS[first as keyof typeof POWERS];
  else if (first === 's') unit = sectorSize;
  else if (first === 'b') unit = 1;
  else if (first === '%') unit = diskBytes / 100;
  else return undefined;
  const value = Number(m[2]) * unit;
  const bytes = m[1] === '-' ? diskBytes - value : value;
  const exact = Number.isInteger(Math.log2(unit));
  const radius = exact ? 0 : Math.max(0, Math.floor(unit / sectorSize / 2) - 1);
  const sector = Math.floor(bytes / sectorSize) - (exact && which === 'end' && first !== 's' ? 1 : 0);
  return { sector, radius };
}

const describeBytes = (bytes: number) => {
  for (const [unit, size] of [['TB', 1e12], ['GB', 1e9], ['MB', 1e6], ['kB', 1e3]] as const) {
    if (bytes >= size) return `${+(bytes / size).toFixed(2)} ${unit}`;
  }
  return `${bytes} bytes`;
};

/** A partition's extent as parted may place it, when both ends can be read. */
interface Extent {
  readonly entry: PartitionEntry;
  readonly start: Place;
  readonly end: Place;
}

/** The property of a partition (the extended one debos adds counts as the fourth's). */
const at = (e: PartitionEntry, key: 'start' | 'end') => `partitions.${e.index ?? 3}.${key}`;

/**
 * Throws for what parted would refuse or make differently than asked: a partition past
 * the end of the image or ending before it starts, partitions that overlap, and on msdos
 * a partition from the fourth on that the extended partition cannot hold. Returns each
 * partition's largest possible size in bytes, when it can be told.
 */
export function checkGeometry(p: ImagePartition, imageBytes: number, sectorSize: number): Map<string, number> {
  const sectors = Math.floor(imageBytes / sectorSize);
  const sizes = new Map<string, number>();
  const extents: Extent[] = [];
  for (const entry of partitionTable(p)) {
    const start = partedPlace(entry.start, 'start', imageBytes, sectorSize);
    const end = partedPlace(entry.end, 'end', imageBytes, sectorSize);
    // The extended partition's ends are the fourth's start and the last's end: told there.
    const own = entry.index !== undefined;
    if (own && start && start.sector - start.radius > sectors - 1) {
      throw new PropertyError(at(entry, 'start'), `partition "${entry.name}" starts at ${entry.start}, past the end of the ${describeBytes(imageBytes)} image`);
    }
    if (own && end && end.sector - end.radius > sectors - 1) {
      throw new PropertyError(at(entry, 'end'), `partition "${entry.name}" ends at ${entry.end}, past the end of the ${describeBytes(imageBytes)} image (imagesize: ${p.imagesize})`);
    }
    if (!start || !end) continue;
    if (end.sector + end.radius < start.sector - start.radius) {
      throw new PropertyError(at(entry, 'end'), `partition "${entry.name}" ends (${entry.end}) before it starts (${entry.start})`);
    }
    extents.push({ entry, start, end });
    sizes.set(entry.name, (Math.min(sectors - 1, end.sector + end.radius) - Math.max(0, start.sector - start.radius) + 1) * sectorSize);
  }
  const extended = extents.find((x) => x.entry.mkpartName === 'extended');
  const logical = extents.filter((x) => x.entry.mkpartName === 'logical');
  for (const x of logical) {
    if (!extended) break;
    if (x.start.sector + x.start.radius < extended.start.sector - extended.start.radius || x.end.sector - x.end.radius > extended.end.sector + extended.end.radius) {
      throw new PropertyError(
        at(x.entry, 'start'),
        `partition "${x.entry.name}" (${x.entry.start} to ${x.entry.end}) lies outside the extended partition that holds the partitions from the fourth on (${extended.entry.start} to ${extended.entry.end}): an msdos table has at most four primary partitions`,
        'list the partitions in the order they lie on the disk',
      );
    }
  }
  for (const level of [extents.filter((x) => x.entry.mkpartName !== 'logical'), logical]) {
    const sorted = [...level].sort((a, b) => a.start.sector - b.start.sector);
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!];
      if (a.end.sector - a.end.radius >= b.start.sector + b.start.radius) {
        throw new PropertyError(at(b.entry, 'start'), `partition "${b.entry.name}" (${b.entry.start} to ${b.entry.end}) overlaps partition "${a.entry.name}" (${a.entry.start} to ${a.entry.end})`);
      }
    }
  }
  return sizes;
}
