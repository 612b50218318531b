// The sha256 of a file, remembered across builds for large files. A re-run hashes every
// archive it reads (a base tarball) and every artifact it would reuse: about 0.3 s per
// 100 MB, which would make an unchanged re-run cost as much as its inputs are large. As
// git's index does, a file whose device, inode, size, mtime and ctime are those it had
// when it was hashed is taken to hold the same bytes: any write moves ctime, which no
// tool can set back, and a file replaced by another has another inode. A file changed
// within the clock's granularity of its hashing would keep its times, so only files whose
// ctime was already a while in the past when they were hashed are remembered.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';

/** Smaller files are hashed every time: cheap, and they would only fill the memo. */
const MIN_REMEMBERED_BYTES = 1 << 20;
/** How far in the past a file's ctime must be when it is hashed to be remembered. */
const SETTLED_MS = 2000;
/** Entries kept, the most recently hashed last. */
const MAX_ENTRIES = 256;

interface Remembered {
  readonly stamp: string;
  readonly sha256: string;
}

let memoFile: string | undefined;
let settledNs = 0n;
let writes = 0;
let memo: Promise<Map<string, Remembered>> | undefined;

/** Remember large files' digests in `file` (the state's cache directory), from now on. */
export function rememberDigestsIn(file: string, settledMs = SETTLED_MS): void {
  settledNs = BigInt(settledMs) * 1_000_000n;
  if (file === memoFile) return;
  memoFile = file;
  memo = readFile(file, 'utf8')
    .then((text) => new Map(Object.entries(JSON.parse(text) as Record<string, Remembered>)))
    // No or a broken index: every file is hashed again, which is only slower.
    .catch(() => new Map<string, Remembered>());
}

/** Forget where digests are remembered: every file is hashed again. */
export function forgetDigests(): void {
  memoFile = undefined;
  memo = undefined;
}

export async function fileDigest(path: string): Promise<string> {
  const st = await stat(path, { bigint: true });
  const stamp = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  const file = memoFile;
  const remembered = memo && st.size >= MIN_REMEMBERED_BYTES ? await memo : undefined;
  const known = remembered?.get(path);
  if (known?.stamp === stamp) return known.sha256;
  const hashedAt = BigInt(Date.now()) * 1_000_000n;
  const sha256 = await hashFile(path);
  // Failing to remember only costs the next build a hash.
  if (remembered && file && st.ctimeNs < hashedAt - settledNs) await remember(file, remembered, path, { stamp, sha256 }).catch(() => {});
  return sha256;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function remember(file: string, entries: Map<string, Remembered>, path: string, entry: Remembered): Promise<void> {
  entries.delete(path);
  entries.set(path, entry);
  for (const oldest of entries.keys()) {
    if (entries.size <= MAX_ENTRIES) break;
    entries.delete(oldest);
  }
  // Whole-file replace: a concurrent build sharing the cache loses at most its entries.
  const tmp = `${file}.${process.pid}-${writes++}.tmp`;
  await writeFile(tmp, JSON.stringify(Object.fromEntries(entries)));
  await rename(tmp, file);
}
