// Files that appear whole or not at all: written beside their place and renamed onto it, so
// that a full disk, a kill or another build writing the same file never leaves half of one
// under the final name (a cache that trusts what it finds there would serve it).
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** A name beside `path` that no other process or call uses. */
export function partialName(path: string): string {
  return `${path}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
}

/** Writes `data` to `path` whole, or leaves `path` as it was (and nothing beside it). */
export async function writeWhole(path: string, data: string | Uint8Array): Promise<void> {
  await settle(path, (partial) => writeFile(partial, data));
}

/** Has `make` write a file at the partial name it is given, then renames it to `path`; on
 * failure the partial file goes. */
export async function settle(path: string, make: (partial: string) => Promise<unknown>): Promise<void> {
  const partial = partialName(path);
  try {
    await make(partial);
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
