// Archives as debos's archiver handles them, shared by pack, unpack and download.
import { open, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { StageContext } from '../run/stage.js';

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

export type Compression = (typeof TAR_COMPRESSIONS)[number] | 'auto' | 'none';

/** 1 MiB records: through a VM's 9p share, tar's default 10 KiB records took five times as long. */
export const LARGE_RECORDS = '--blocking-factor=2048';

/**
 * tar's options for `compression` when creating an archive, preferring the
 * multi-threaded compressors (pigz, pbzip2, xz -T0, zstd -T0) when they are installed.
 * Their output does not depend on the number of threads (pigz and pbzip2 compress
 * fixed-size blocks, xz from 5.4 on and zstd keep multi-threaded mode for any count), and
 * gzip's -n leaves out the time (of the input file, or now), so the same tar gives the
 * same archive everywhere.
 */
export async function tarCreateCompression(compression: Compression, ctx: StageContext): Promise<string[]> {
  switch (compression) {
    case 'gz':
      return [`--use-compress-program=${(await ctx.hasTool('pigz')) ? 'pigz' : 'gzip'} -n`];
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

/** What `auto` means for a file name, as tar's --auto-compress reads suffixes. */
export function compressionOf(file: string): Compression {
  const suffixes: [RegExp, Compression][] = [
    [/\.(t?gz|taz)$/, 'gz'], [/\.(bz2|tbz2?|tz2)$/, 'bzip2'], [/\.(xz|txz)$/, 'xz'], [/\.(zst|tzst)$/, 'zstd'],
    [/\.lz$/, 'lzip'], [/\.(lzma|tlz)$/, 'lzma'], [/\.lzo$/, 'lzop'],
  ];
  return suffixes.find(([re]) => re.test(file.toLowerCase()))?.[1] ?? 'none';
}

/** The compressor's command line for `compression` (stdin to stdout), the multi-threaded
 * ones when installed, as deterministic as tarCreateCompression's; undefined for none. */
export async function compressorArgv(compression: Compression, file: string, ctx: StageContext): Promise<string[] | undefined> {
  const c = compression === 'auto' ? compressionOf(file) : compression;
  switch (c) {
    case 'none':
      return undefined;
    case 'gz':
      return [(await ctx.hasTool('pigz')) ? 'pigz' : 'gzip', '-n', '-c'];
    case 'bzip2':
      return (await ctx.hasTool('pbzip2')) ? ['pbzip2', '-c'] : ['bzip2', '-c'];
    case 'xz':
      return ['xz', '-T0', '-c'];
    case 'zstd':
      return ['zstd', '-T0', '-q', '-c'];
    case 'lzma':
      return ['xz', '--format=lzma', '-c'];
    default:
      return [c, '-c'];
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
      const extract = (from: string, compression: string[]) =>
        ctx.exec({ argv: ['tar', '-C', dest, '-x', '--xattrs', '--xattrs-include=*.*', ...relaxed, ...compression, LARGE_RECORDS, '-f', from], chroot: false, label });
      const decompressor = ctx.offload ? await decompressorFor(file, ctx) : undefined;
      if (!decompressor) return void (await extract(file, tarExtractCompression(opts.compression)));
      // In a VM the archive is decompressed outside it, natively, and read in large records.
      const raw = join(ctx.scratchDir, `unpack-${ctx.index}-${basename(file)}.tar`);
      try {
        await ctx.execOutside({ argv: ['sh', '-c', `${decompressor.join(' ')} < "$1" > "$2"`, 'sh', file, raw], label: 'unpack (decompress)' });
        await extract(raw, []);
      } finally {
        await rm(raw, { force: true });
      }
    }
  }
}

/** The decompressor for a compressed archive, told by its first bytes (as tar tells it). */
async function decompressorFor(file: string, ctx: StageContext): Promise<string[] | undefined> {
  const head = Buffer.alloc(6);
  // Unreadable: no magic, so the name decides; unpacking it then reports the error.
  const f = await open(file, 'r').catch(() => undefined);
  if (!f) return undefined;
  try {
    await f.read(head, 0, 6, 0);
  } finally {
    await f.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return (await ctx.hasTool('pigz')) ? ['pigz', '-dc'] : ['gzip', '-dc'];
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return ['xz', '-dc', '-T0'];
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return ['zstd', '-dc', '-q'];
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return (await ctx.hasTool('pbzip2')) ? ['pbzip2', '-dc'] : ['bzip2', '-dc'];
  return undefined;
}
