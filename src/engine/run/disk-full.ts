// A full disk as the user should see it: "no space left on DIR", the filesystem that
// filled, how much it holds and has free, and, where an action knows it, how much it needed.
// Tools say "No space left on device" (tar, dpkg, cp) and Node says ENOSPC; both end here.
import { stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BuildError, CommandError } from '../../core/errors.js';

/** The build ran out of space on a filesystem. */
export class DiskFullError extends BuildError {}

const NO_SPACE = /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT/;

/** Whether `err` (or what caused it) is a full disk: ENOSPC from Node, or a command that said so. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DiskFullError) return true;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    if (e instanceof CommandError && e.outputTail.some((line) => NO_SPACE.test(line))) return true;
  }
  return false;
}

const OVERLAYFS_MAGIC = 0x794c7630;

interface Filesystem {
  readonly mountPoint: string;
  readonly total: number;
  readonly free: number;
}

/** The filesystem holding `dir` (or its nearest existing parent): where it is mounted and its space. */
async function filesystemOf(dir: string): Promise<Filesystem | undefined> {
  let path = dir;
  let st = await stat(path).catch(() => undefined);
  while (!st && dirname(path) !== path) st = await stat((path = dirname(path))).catch(() => undefined);
  if (!st) return undefined;
  // Up while the parent is on the same device: the top is the mount point.
  for (let parent = dirname(path); parent !== path; parent = dirname(path)) {
    const up = await stat(parent).catch(() => undefined);
    if (!up || up.dev !== st.dev) break;
    path = parent;
  }
  const fs = await statfs(path).catch(() => undefined);
  // An overlay (the root) reports its upper layer's filesystem, which is among the others.
  if (fs?.type === OVERLAYFS_MAGIC) return undefined;
  return fs && { mountPoint: path, total: fs.blocks * fs.bsize, free: fs.bavail * fs.bsize };
}

/** 1.5 GB, 150 MB, 12 kB: sizes as df -H shows them. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) (n /= 1000), i++;
  return `${i === 0 ? n : n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}

/**
 * `err` as a DiskFullError naming the fullest filesystem among `dirs` (the directories
 * the failed work wrote to), and `needed` bytes when known; other errors come back as
 * they are.
 */
export async function asDiskFull(err: unknown, dirs: readonly string[], needed?: () => Promise<number | undefined>): Promise<unknown> {
  if (err instanceof DiskFullError || !isDiskFull(err)) return err;
  const found = (await Promise.all(dirs.map(filesystemOf))).filter((f): f is Filesystem => f !== undefined);
  const fullest = found.sort((a, b) => a.free - b.free)[0];
  // Best effort: a size that cannot be read leaves out "needs", not the error itself.
  const bytes = await needed?.().catch(() => undefined);
  const where = fullest ? `${fullest.mountPoint} (${formatBytes(fullest.free)} free of ${formatBytes(fullest.total)})` : dirs[0] ?? 'the disk';
  const need = bytes === undefined ? '' : `: it needs about ${formatBytes(bytes)}`;
  return new DiskFullError(`no space left on ${where}${need}`, {
    cause: err,
    hint: `free space on ${fullest?.mountPoint ?? 'that filesystem'} (or give --state-dir or --cache-dir on a larger one) and build again: the build's workspace was removed, and nothing half-written went into the cache`,
  });
}
