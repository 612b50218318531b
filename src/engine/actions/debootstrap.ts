/**
 * debootstrap: build the root filesystem with debootstrap.
 *
 * ```yaml
 * - action: debootstrap
 *   suite: bookworm
 *   components: [main, contrib]
 *   variant: minbase
 *   mirror: <a Debian mirror URL>
 *   keyring-package: debian-archive-keyring
 *   keyring-file: keys/archive.gpg
 *   merged-usr: true
 *   check-gpg: true
 * ```
 *
 * - `suite` (required): release code name or symbolic name (`stable`).
 * - `mirror`: repository URL; default: the mirror the host's apt sources use.
 * - `components`: default `[main]`.
 * - `variant`: debootstrap variant (`minbase`, `buildd`…).
 * - `keyring-package`: package installed to validate the archive (`--include`).
 * - `keyring-file`: keyring file to check signatures with, relative to the recipe.
 * - `certificate`, `private-key`: client certificate and key files for the mirror,
 *   relative to the recipe.
 * - `merged-usr`: merged `/usr` layout; default true.
 * - `check-gpg`: verify Release signatures; default true.
 * - `parent-suite`: the Debian suite a derivative's suite is based on.
 * - `script`: full path of the debootstrap script to use; default: the suite's script,
 *   else the parent suite's, else `unstable`.
 *
 * Files named here must exist when the recipe is checked.
 *
 * On the host, a Debian suite with the default, minbase or buildd variant is bootstrapped by
 * mmdebstrap with the same package choice (debootstrap's variant, merged /usr through
 * usr-is-merged, the apt lists kept): a third less CPU than debootstrap, which unpacks every
 * package twice and fetches them one by one. Everything else runs debootstrap itself.
 */
import { copyFile, link, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { pathExists } from '../../util/exists.js';
import { defineAction, type NamedFile } from './action.js';
import { fingerprint, valueInput } from '../cache/layer-cache.js';
import type { StageContext } from '../run/stage.js';
import { bool, mapping, str, strList } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';
import { LARGE_RECORDS } from './archive.js';
import { uncompressedDeb } from '../../util/deb-repack.js';
import { HOOKS, speedOptions } from './mmdebstrap.js';

const SCRIPTS = '/usr/share/debootstrap/scripts';
/** Suites whose debootstrap scripts know usr-is-merged; older ones get it excluded. */
const KNOWS_USR_IS_MERGED = ['sid', 'unstable', 'testing', 'bookworm', 'trixie', 'forky'];

/** The suite's own script, else its parent suite's, else unstable's (debos's fallback). */
async function scriptFor(p: { suite: string; 'parent-suite'?: string | undefined; script?: string | undefined }): Promise<string> {
  if (p.script) return p.script;
  for (const suite of [p.suite, p['parent-suite']]) {
    if (suite && (await pathExists(`${SCRIPTS}/${suite}`))) return `${SCRIPTS}/${suite}`;
  }
  return `${SCRIPTS}/unstable`;
}

type Params = z.output<typeof schema>;

/** debootstrap's command line; `phase` replaces the first stage's default (--foreign, or
 * downloading) with fetching into a tarball or installing from one. */
async function debootstrapArgv(p: Params, ctx: StageContext, mirror: string, target: string, phase?: { make: string } | { unpack: string }): Promise<string[]> {
  const abs = (file: string) => resolve(ctx.recipeDir, file);
  const argv = ['debootstrap', p['merged-usr'] ? '--merged-usr' : '--no-merged-usr'];
  if (!p['check-gpg']) argv.push('--no-check-gpg');
  else if (p['keyring-file']) argv.push(`--keyring=${abs(p['keyring-file'])}`);
  if (p['keyring-package']) argv.push(`--include=${p['keyring-package']}`);
  if (p.certificate) argv.push(`--certificate=${abs(p.certificate)}`);
  if (p['private-key']) argv.push(`--private-key=${abs(p['private-key'])}`);
  argv.push(`--components=${p.components.join(',')}`);
  if (phase && 'make' in phase) argv.push(`--make-tarball=${phase.make}`);
  if (phase && 'unpack' in phase) argv.push(`--unpack-tarball=${phase.unpack}`);
  // The first stage only: the second runs apart (see run). --foreign and --make-tarball are
  // different first stages; fetching is the same for both.
  if (!(phase && 'make' in phase)) argv.push('--foreign');
  if (ctx.foreign) argv.push(`--arch=${ctx.architecture}`);
  if (p.variant) argv.push(`--variant=${p.variant}`);
  if (!KNOWS_USR_IS_MERGED.includes(p.suite)) argv.push('--exclude=usr-is-merged');
  // Ours: packages fetched once are kept for the next build.
  argv.push(`--cache-dir=${await ctx.packageCache()}`);
  argv.push(p.suite, target, mirror, await scriptFor(p));
  return argv;
}

/**
 * In a VM, the packages are resolved, fetched and checked here (debootstrap --make-tarball
 * needs no root), natively: under emulation that is most of a bootstrap's time (measured:
 * 480 of 610 s for a minbase). The VM then installs from the tarball.
 */
async function fetchOutside(p: Params, ctx: StageContext, mirror: string): Promise<string> {
  const dir = await mkdtemp(join(ctx.scratchDir, 'debootstrap-'));
  const tarball = join(dir, 'packages.tar.gz');
  const target = join(dir, 'target');
  await mkdir(target);
  await ctx.execOutside({ argv: await debootstrapArgv(p, ctx, mirror, target, { make: tarball }), label: 'debootstrap (fetch)' });
  await rm(target, { recursive: true, force: true });
  const tree = join(dir, 'packages');
  await mkdir(tree);
  await ctx.execOutside({ argv: ['tar', '-xzf', tarball, '-C', tree], label: 'debootstrap (fetch)' });
  await uncompressDebsIn(ctx, join(tree, ARCHIVES));
  // Plain, so that the VM reads it in large records and does not decompress it; the same
  // members as debootstrap's, owned by root (not by whoever fetched them).
  const plain = join(dir, 'packages.tar');
  await ctx.execOutside({ argv: ['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', tree, '-cf', plain, ...TARBALL_MEMBERS], label: 'debootstrap (fetch)' });
  await rm(tarball, { force: true });
  await rm(tree, { recursive: true, force: true });
  return plain;
}

const ARCHIVES = 'var/cache/apt/archives';
/** What debootstrap --make-tarball puts in its tarball. */
const TARBALL_MEMBERS = ['var/lib/apt', 'var/cache/apt', 'debootstrap'];

/**
 * Replaces the fetched packages with copies whose data.tar is uncompressed (made here,
 * natively, once per package: deb-repack.ts). The VM's debootstrap extracts every package
 * in its first stage and dpkg unpacks it again in the second, each time decompressing
 * data.tar.xz under emulation (liblzma, CPU-bound: dpkg-deb -x of a minbase's packages
 * took 85 s in a TCG guest, 67 s with plain data.tar). Nothing in them runs here.
 */
async function uncompressDebsIn(ctx: StageContext, archives: string): Promise<void> {
  const debs = (await readdir(archives).catch(() => [])).filter((f) => f.endsWith('.deb'));
  if (debs.length === 0) return;
  const cache = await ctx.cache('debs-uncompressed');
  const started = Date.now();
  const kept: string[] = [];
  await inParallel(debs, availableParallelism(), async (name) => {
    const deb = join(archives, name);
    try {
      const plain = await uncompressedDeb(deb, cache);
      // Linked from the cache where it can be (it is never written through), and renamed
      // over the original, which stays whole if anything fails.
      const next = `${deb}.uncompressed`;
      await link(plain, next).catch(() => copyFile(plain, next));
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

/** debootstrap's variants by mmdebstrap's names for the same package choice. */
const MMDEBSTRAP_VARIANTS: Record<string, string> = { '': 'debootstrap', minbase: 'minbase', buildd: 'buildd' };

/**
 * mmdebstrap's variant for the same root, or undefined where only debootstrap gives it: a
 * VM (which installs from a tarball fetched outside), a script of its own, a suite whose
 * merged /usr debootstrap makes without usr-is-merged (or not Debian's), and the options
 * mmdebstrap has no plain equivalent for.
 */
function mmdebstrapVariant(p: Params, ctx: StageContext): string | undefined {
  if (ctx.offload || p.script || !p['check-gpg'] || p.certificate || p['private-key']) return undefined;
  if (!KNOWS_USR_IS_MERGED.includes(p.suite)) return undefined;
  return MMDEBSTRAP_VARIANTS[p.variant ?? ''];
}

async function mmdebstrapArgv(p: Params, ctx: StageContext, mirror: string, variant: string): Promise<string[]> {
  const argv = ['mmdebstrap', `--variant=${variant}`, `--hook-dir=${HOOKS}/${p['merged-usr'] ? 'merged-usr' : 'no-merged-usr'}`];
  if (p['keyring-file']) argv.push(`--keyring=${resolve(ctx.recipeDir, p['keyring-file'])}`);
  if (p['keyring-package']) argv.push(`--include=${p['keyring-package']}`);
  // debootstrap leaves the lists it fetched, so apt works in the root without an update.
  argv.push(`--components=${p.components.join(',')}`, `--architectures=${ctx.architecture}`, '--skip=cleanup/apt/lists');
  argv.push(...(await speedOptions(ctx)), p.suite, ctx.rootDir, mirror);
  return argv;
}

async function runDebootstrap(p: Params, ctx: StageContext, mirror: string): Promise<void> {
  const showLog = async () =>
    void (await ctx.exec({ argv: ['cat', `${ctx.rootDir}/debootstrap/debootstrap.log`], chroot: false, label: 'debootstrap.log' }, { allowFailure: true }));
  const tarball = ctx.offload ? await fetchOutside(p, ctx, mirror) : undefined;
  try {
    const argv = await debootstrapArgv(p, ctx, mirror, ctx.rootDir, tarball ? { unpack: tarball } : undefined);
    const env = tarball ? { TAR_OPTIONS: LARGE_RECORDS } : undefined;
    await ctx.exec({ argv, chroot: false, label: 'debootstrap', ...(env ? { env } : {}) }, { onFailure: showLog });
  } finally {
    if (tarball) await rm(dirname(tarball), { recursive: true, force: true });
  }
  // The second stage runs target binaries: plain chroot, as debos does for foreign roots (it
  // makes device nodes), with the build-time files in place, so that dpkg does not sync
  // every file it unpacks (unsafe-io), which a single debootstrap run would.
  await ctx.ensureTargetRuns();
  const argv = ['chroot', ctx.rootDir, '/debootstrap/debootstrap', '--no-check-gpg', '--second-stage', `--components=${p.components.join(',')}`];
  await ctx.withBuildTimeFiles(() => ctx.exec({ argv, chroot: false, label: 'debootstrap (stage 2)' }, { onFailure: showLog }));
}

async function run(p: Params, ctx: StageContext): Promise<void> {
  const mirror = p.mirror ?? (await ctx.hostMirror());
  const variant = mmdebstrapVariant(p, ctx);
  if (variant === undefined) await runDebootstrap(p, ctx, mirror);
  else {
    // mmdebstrap runs target binaries itself (through binfmt) for a foreign architecture.
    if (ctx.foreign) await ctx.ensureTargetRuns();
    await ctx.exec({ argv: await mmdebstrapArgv(p, ctx, mirror, variant), chroot: false, label: 'debootstrap (mmdebstrap)' });
  }
  const files = ctx.machine.files;
  await files.writeFile('/etc/apt/sources.list', `deb ${mirror} ${p.suite} ${p.components.join(' ')}\n`);
  // The bootstrap copied the host's resolv.conf in; the image gets none of ours.
  await files.remove('/etc/resolv.conf');
  await ctx.exec({ argv: ['apt-get', 'clean'], chroot: true, label: 'apt' });
}

const schema = mapping({
  ...actionFields('debootstrap'),
  suite: str(),
  mirror: str().optional(),
  components: strList().default(['main']),
  variant: str().optional(),
  'keyring-package': str().optional(),
  'keyring-file': str().optional(),
  certificate: str().optional(),
  'private-key': str().optional(),
  'merged-usr': bool().default(true),
  'check-gpg': bool().default(true),
  'parent-suite': str().optional(),
  script: str().optional(),
});

export const debootstrap = defineAction({
  kind: 'debootstrap',
  schema,
  async cacheEffect(p, ctx) {
    const files = (['keyring-file', 'certificate', 'private-key'] as const).flatMap((k) => {
      const f = p[k];
      return f ? [fingerprint(resolve(ctx.recipeDir, f), `${k} ${f}`)] : [];
    });
    return { replay: [valueInput('mirror', p.mirror ?? (await ctx.hostMirror())), ...(await Promise.all(files))] };
  },
  run,
  files(p, ctx) {
    const named: NamedFile[] = [];
    for (const property of ['keyring-file', 'certificate', 'private-key'] as const) {
      const file = p[property];
      if (file !== undefined) named.push({ property, path: inRecipeDir(ctx, file), kind: 'file' });
    }
    return named;
  },
});
