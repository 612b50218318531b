// debootstrap's fetch for a VM, outside it: the packages are resolved, fetched and checked
// here (debootstrap --make-tarball needs no root), natively: under emulation that is most of
// a bootstrap's time (measured: 480 of 610 s for a minbase). The VM then installs from the
// tarball. Natively the fetch is still about 20 s of debootstrap's shell and perl, so its
// tarball is kept, keyed by everything the fetch reads: the mirror's signed InRelease (which
// pins the package indexes, and they every package), debootstrap's command line, its own
// scripts and the keyrings. The next bootstrap from an unchanged mirror takes it instead.
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { uncompressedDeb } from '../../util/deb-repack.js';
import { fileDigest } from '../cache/file-digest.js';
import type { StageContext } from '../run/stage.js';

export interface FetchRequest {
  readonly mirror: string;
  readonly suite: string;
  /** debootstrap's command line fetching into `tarball`, for a first stage in `target`. */
  readonly argv: (target: string, tarball: string) => Promise<string[]>;
  /** Files the fetch reads besides debootstrap's own and the keyrings (its script, a keyring file). */
  readonly inputs: readonly string[];
}

const ARCHIVES = 'var/cache/apt/archives';
const LISTS = 'var/lib/apt/lists';
/** What debootstrap --make-tarball puts in its tarball. */
const TARBALL_MEMBERS = ['var/lib/apt', 'var/cache/apt', 'debootstrap'];
const DEBOOTSTRAP_FILES = ['/usr/sbin/debootstrap', '/usr/share/debootstrap/functions'];
const KEYRINGS = '/usr/share/keyrings';
/** Kept fetches (about 150 MB each for a minbase), the most recently used. */
const KEPT = 3;

/** A plain tar of debootstrap's tarball members, in a directory of its own under scratch. */
export async function fetchOutside(ctx: StageContext, req: FetchRequest): Promise<string> {
  const dir = await mkdtemp(join(ctx.scratchDir, 'debootstrap-'));
  const plain = join(dir, 'packages.tar');
  const keptDir = await ctx.cache('debootstrap-fetch');
  // Over http(s) only: wget reads the InRelease as debootstrap would.
  const keyOf = /^https?:\/\//.test(req.mirror) ? await fetchKeyer(req) : undefined;
  const mirrorInRelease = keyOf && (await fetchInRelease(ctx, req, dir));
  const earlier = keyOf && mirrorInRelease && join(keptDir, `${keyOf(mirrorInRelease)}.tar`);
  if (earlier && (await stat(earlier).then((s) => s.isFile(), () => false))) {
    await linkOrCopy(earlier, plain);
    const now = new Date();
    await utimes(earlier, now, now);
    ctx.info(`packages as fetched before from the same InRelease of the mirror: ${earlier}`);
    return plain;
  }
  const tarball = join(dir, 'packages.tar.gz');
  const target = join(dir, 'target');
  await mkdir(target);
  await ctx.execOutside({ argv: await req.argv(target, tarball), label: 'debootstrap (fetch)' });
  await rm(target, { recursive: true, force: true });
  const tree = join(dir, 'packages');
  await mkdir(tree);
  await ctx.execOutside({ argv: ['tar', '-xzf', tarball, '-C', tree], label: 'debootstrap (fetch)' });
  await uncompressDebsIn(ctx, join(tree, ARCHIVES));
  // Plain, so that the VM reads it in large records and does not decompress it; the same
  // members as debootstrap's, owned by root (not by whoever fetched them).
  await ctx.execOutside({ argv: ['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', tree, '-cf', plain, ...TARBALL_MEMBERS], label: 'debootstrap (fetch)' });
  // Kept under the InRelease debootstrap itself fetched, which the mirror may have changed since.
  const usedInRelease = await inReleaseIn(join(tree, LISTS));
  await rm(tarball, { force: true });
  await rm(tree, { recursive: true, force: true });
  if (keyOf && usedInRelease) await keep(plain, join(keptDir, `${keyOf(usedInRelease)}.tar`), keptDir).catch((err) => ctx.warn(`could not keep the fetched packages: ${(err as Error).message}`));
  return plain;
}

/** The mirror's InRelease now, or undefined where there is none (only a Release). */
async function fetchInRelease(ctx: StageContext, req: FetchRequest, dir: string): Promise<Buffer | undefined> {
  const file = join(dir, 'InRelease');
  const url = `${req.mirror.replace(/\/+$/, '')}/dists/${req.suite}/InRelease`;
  // wget, as debootstrap fetches: the same proxy settings and certificates.
  const r = await ctx.execOutside({ argv: ['wget', '-q', '-O', file, url], label: 'debootstrap (fetch)' }, { allowFailure: true });
  // No InRelease: no key, so nothing kept is used and debootstrap fetches as usual.
  const content = r.exitStatus === 0 ? await readFile(file).catch(() => undefined) : undefined;
  await rm(file, { force: true });
  return content?.length ? content : undefined;
}

/** The InRelease among fetched lists (one suite, one file). */
async function inReleaseIn(lists: string): Promise<Buffer | undefined> {
  // No lists: no InRelease, so the fetch is not kept (only slower next time).
  const names = (await readdir(lists).catch(() => [])).filter((n) => n.endsWith('_InRelease'));
  return names.length === 1 ? readFile(join(lists, names[0]!)) : undefined;
}

/** The key of a fetch by the InRelease it resolves against; the rest of what it reads is read once. */
async function fetchKeyer(req: FetchRequest): Promise<(inRelease: Buffer) => string> {
  const hash = createHash('sha256').update(JSON.stringify(await req.argv('TARGET', 'TARBALL')));
  // No keyrings directory: none to put in the key.
  const keyrings = (await readdir(KEYRINGS).catch(() => [])).sort().map((n) => join(KEYRINGS, n));
  for (const file of [...DEBOOTSTRAP_FILES, ...req.inputs, ...keyrings]) {
    // An unreadable input still changes the key ('missing'), so no stale fetch is used.
    hash.update(`\0${file} ${await fileDigest(file).catch(() => 'missing')}`);
  }
  return (inRelease) => hash.copy().update('\0').update(inRelease).digest('hex');
}

/** `file` into the kept fetches as `entry`, whole or not at all; the oldest beyond KEPT go. */
async function keep(file: string, entry: string, dir: string): Promise<void> {
  const partial = `${entry}.${process.pid}.${Date.now()}.partial`;
  await linkOrCopy(file, partial);
  await rename(partial, entry);
  const entries = await Promise.all(
    (await readdir(dir)).filter((n) => n.endsWith('.tar')).map(async (n) => ({ path: join(dir, n), used: (await stat(join(dir, n))).mtimeMs })),
  );
  entries.sort((a, b) => b.used - a.used);
  for (const old of entries.slice(KEPT)) await rm(old.path, { force: true });
}

/** A hard link where it can be (neither is ever written through), else a copy. */
// Another file system (EXDEV) or no hard links: a copy, whose own failure is thrown.
const linkOrCopy = (from: string, to: string) => link(from, to).catch(() => copyFile(from, to));

/**
 * Replaces the fetched packages with copies whose data.tar is uncompressed (made here,
 * natively, once per package: deb-repack.ts). The VM's debootstrap extracts every package
 * in its first stage and dpkg unpacks it again in the second, each time decompressing
 * data.tar.xz under emulation (liblzma, CPU-bound: dpkg-deb -x of a minbase's packages
 * took 85 s in a TCG guest, 67 s with plain data.tar). Nothing in them runs here.
 */
async function uncompressDebsIn(ctx: StageContext, archives: string): Promise<void> {
  // No archives: nothing to uncompress (only an optimisation).
  const debs = (await readdir(archives).catch(() => [])).filter((f) => f.endsWith('.deb'));
  if (debs.length === 0) return;
  const cache = await ctx.cache('debs-uncompressed');
  const started = Date.now();
  const kept: string[] = [];
  await inParallel(debs, availableParallelism(), async (name) => {
    const deb = join(archives, name);
    try {
      const plain = await uncompressedDeb(deb, cache);
      // Linked from the cache where it can be, and renamed over the original, which stays
      // whole if anything fails.
      const next = `${deb}.uncompressed`;
      await linkOrCopy(plain, next);
      await rename(next, deb);
    } catch (err) {
      // Only slower: dpkg in the VM decompresses this one itself.
      kept.push(`${name} (${(err as Error).message})`);
    }
  });
  ctx.info(`${debs.length - kept.length} packages with data.tar uncompressed for the VM's dpkg, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (kept.length) ctx.info(`kept as fetched: ${kept.join(', ')}`);
}

/** Runs fn over items, at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
