// Artifacts as the layer cache records them: each file an action made, with its size and
// hash when the action ended, so a re-run can tell that it is still there unchanged; and
// what a command on the build host wrote in the artifact directory (before and after).
// Records name files relative to the artifact directory: a build with another artifact
// directory (another checkout, a CI runner's) has none of them yet, so it makes them.
import { lstat, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileDigest } from './file-digest.js';
import type { ArtifactRecord } from './layer-cache.js';

export async function recordArtifacts(artifactDir: string, paths: readonly string[]): Promise<ArtifactRecord[]> {
  return Promise.all(paths.map(async (path) => ({ path: relative(artifactDir, path), size: (await lstat(path)).size, sha256: await fileDigest(path) })));
}

/**
 * Undefined when every artifact is in `artifactDir` holding what was recorded, and every
 * file of `expected` (what the action makes now: a later build may write manifests an
 * earlier one did not) was recorded; else why not.
 */
export async function artifactsStillHold(artifactDir: string, records: readonly ArtifactRecord[], expected: readonly string[] = []): Promise<string | undefined> {
  const recorded = new Set(records.map((r) => join(artifactDir, r.path)));
  const missing = expected.find((path) => !recorded.has(path));
  if (missing) return `its artifact ${missing} was not made when it ran`;
  for (const r of records) {
    const path = join(artifactDir, r.path);
    // Unreadable counts as gone: the action runs again, never reused wrongly.
    const st = await lstat(path).catch(() => undefined);
    if (!st?.isFile()) return `its artifact ${path} is gone`;
    if (st.size !== r.size || (await fileDigest(path)) !== r.sha256) return `its artifact ${path} changed since it was made`;
  }
  return undefined;
}

/** Files of a directory tree by relative path, each with what tells a change. */
export type DirSnapshot = ReadonlyMap<string, string>;

/** Directories with more entries than this are not watched: the command is not cached. */
const MAX_WATCHED = 10_000;

/** The tree under `dir`, but for the paths under `skip` (undefined when it is too large to watch). */
export async function snapshotDir(dir: string, skip: readonly string[] = []): Promise<DirSnapshot | undefined> {
  const seen = new Map<string, string>();
  const skipped = (p: string) => skip.some((s) => p === s || p.startsWith(`${s}/`));
  const walk = async (path: string): Promise<boolean> => {
    // Not a directory (or gone): nothing under it to watch.
    for (const name of await readdir(path).catch(() => [] as string[])) {
      if (seen.size >= MAX_WATCHED) return false;
      const p = join(path, name);
      if (skipped(p)) continue;
      // Gone meanwhile: nothing to watch there.
      const st = await lstat(p).catch(() => undefined);
      if (!st) continue;
      seen.set(relative(dir, p), st.isDirectory() ? 'dir' : `${st.mode}:${st.size}:${st.mtimeMs}:${st.ino}`);
      if (st.isDirectory() && !(await walk(p))) return false;
    }
    return true;
  };
  return (await walk(dir)) ? seen : undefined;
}

/**
 * The files that appeared or changed under `dir` since `before`, or undefined when
 * something was removed or is not a plain file (which a cached result cannot replay).
 */
export async function changedArtifacts(dir: string, before: DirSnapshot | undefined, skip: readonly string[] = []): Promise<string[] | undefined> {
  const after = await snapshotDir(dir, skip);
  if (!before || !after) return undefined;
  for (const name of before.keys()) if (!after.has(name)) return undefined;
  const changed: string[] = [];
  for (const [name, state] of after) {
    if (state === 'dir' || before.get(name) === state) continue;
    const st = await lstat(join(dir, name));
    if (!st.isFile()) return undefined;
    changed.push(join(dir, name));
  }
  return changed;
}
