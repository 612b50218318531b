// Archives as debos's archiver handles them, shared by pack, unpack and download.
import { type StageContext } from '../stage.js';

/** The values `compression` may take for a tar archive (debos's tar options). */
export const TAR_COMPRESSIONS = ['bzip2', 'gz', 'lzip', 'lzma', 'lzop', 'xz', 'zstd'] as const;

export type ArchiveType = 'tar' | 'deb' | 'zip';

/** By extension, in any case: `.deb` and `.zip` are themselves, anything else is tar. */
export function archiveType(file: string): ArchiveType {
  const name = file.toLowerCase();
  if (name.endsWith('.deb')) return 'deb';
  if (name.endsWith('.zip')) return 'zip';
  return 'tar';
}

type Compression = (typeof TAR_COMPRESSIONS)[number] | 'auto' | 'none';

/**
 * tar's options for `compression` when creating an archive, preferring the
 * multi-threaded compressors (pigz, pbzip2, xz -T0, zstd -T0) when they are installed.
 */
export async function tarCreateCompression(compression: Compression, ctx: StageContext): Promise<string[]> {
  switch (compression) {
    case 'gz':
      return (await ctx.hasTool('pigz')) ? ['--use-compress-program=pigz'] : ['--gzip'];
    case 'bzip2':
      return (await ctx.hasTool('pbzip2')) ? ['--use-compress-program=pbzip2'] : ['--bzip2'];
    case 'xz':
      return ['--use-compress-program=xz -T0'];
    case 'zstd':
      return ['--use-compress-program=zstd -T0'];
    case 'auto':
      return ['--auto-compress'];
    case 'none':
      return [];
    default:
      return [`--${compression}`];
  }
}

/** tar's option to read an archive of `compression`; none lets tar detect it. */
export function tarExtractCompression(compression: string | undefined): string[] {
  if (compression === undefined) return [];
  return [compression === 'gz' ? '--gzip' : `--${compression}`];
}

/**
 * Unpacks an archive into `dest` (a build-host path) as debos's archiver does: .deb with
 * dpkg-deb, .zip with unzip, anything else with tar keeping extended attributes.
 * `relaxed` (downloads) does not restore owners and permissions.
 */
export async function unpackArchive(ctx: StageContext, file: string, dest: string, opts: { compression?: string | undefined; relaxed?: boolean }): Promise<void> {
  const label = 'unpack';
  switch (archiveType(file)) {
    case 'deb':
      await ctx.exec({ argv: ['dpkg-deb', '-x', file, dest], chroot: false, label });
      return;
    case 'zip':
      await ctx.exec({ argv: ['unzip', '-o', file, '-d', dest], chroot: false, label });
      return;
    case 'tar': {
      const relaxed = opts.relaxed ? ['--no-same-owner', '--no-same-permissions'] : [];
      const argv = ['tar', '-C', dest, '-x', '--xattrs', '--xattrs-include=*.*', ...relaxed, ...tarExtractCompression(opts.compression), '-f', file];
      await ctx.exec({ argv, chroot: false, label });
    }
  }
}
