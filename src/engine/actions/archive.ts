// Archive kinds as debos's archiver tells them apart, shared by unpack and download.

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
