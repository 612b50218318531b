// Reproducible output (SOURCE_DATE_EPOCH, --reproducible): the build's epoch, the tar
// options that make an archive depend only on the files in it, and identifiers derived
// from a seed where tools would draw random ones. Pure functions; what is removed from the
// root lives in build-noise.ts.
import { createHash } from 'node:crypto';
import { UsageError } from '../../core/errors.js';

/**
 * The epoch every timestamp is clamped to: SOURCE_DATE_EPOCH when set (as the
 * reproducible-builds.org specification says), else 0 with --reproducible; undefined when
 * neither asks for reproducible output.
 */
export function sourceDateEpoch(flag: boolean, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return flag ? 0 : undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`invalid SOURCE_DATE_EPOCH "${value}": expected a number of seconds since 1970-01-01 UTC`, {
      hint: 'for example SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)',
    });
  }
  return Number(value);
}

/**
 * tar's options for an archive that depends only on its members: sorted names, mtimes no
 * newer than the epoch, numeric owners only (names would be the build host's), and pax
 * headers without the PID in their names or access and change times.
 */
export function reproducibleTarArgs(epoch: number): string[] {
  return [
    '--sort=name',
    `--mtime=@${epoch}`,
    '--clamp-mtime',
    '--numeric-owner',
    '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
  ];
}

/** A hash of the epoch and `parts`: the same build asks for the same identifiers. */
function seedHash(epoch: number, parts: readonly string[]): Buffer {
  return createHash('sha256').update(JSON.stringify(['debstep', epoch, ...parts])).digest();
}

/** A version 4 (random-looking) UUID, lower case, from the seed. */
export function seededUuid(epoch: number, ...parts: string[]): string {
  const b = seedHash(epoch, parts).subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** 8 hex digits from the seed: an msdos disk identifier, a FAT volume id. */
export function seededHex32(epoch: number, ...parts: string[]): string {
  return seedHash(epoch, parts).subarray(0, 4).toString('hex');
}
