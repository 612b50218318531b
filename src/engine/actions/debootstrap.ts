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
import { rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { pathExists } from '../../util/exists.js';
import { defineAction, type NamedFile } from './action.js';
import { fingerprint, valueInput } from '../cache/layer-cache.js';
import type { StageContext } from '../run/stage.js';
import { bool, mapping, str, strList } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';
import { LARGE_RECORDS } from './archive.js';
import { fetchOutside, type FetchRequest } from './debootstrap-fetch.js';
import { firstStageOutside, unpackFirstStage } from './debootstrap-first-stage.js';
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

async function fetchRequest(p: Params, ctx: StageContext, mirror: string): Promise<FetchRequest> {
  const keyring = p['keyring-file'] ? [resolve(ctx.recipeDir, p['keyring-file'])] : [];
  return { mirror, suite: p.suite, argv: (target, tarball) => debootstrapArgv(p, ctx, mirror, target, { make: tarball }), inputs: [await scriptFor(p), ...keyring] };
}

async function runDebootstrap(p: Params, ctx: StageContext, mirror: string): Promise<void> {
  const showLog = async () =>
    void (await ctx.exec({ argv: ['cat', `${ctx.rootDir}/debootstrap/debootstrap.log`], chroot: false, label: 'debootstrap.log' }, { allowFailure: true }));
  const tarball = ctx.offload ? await fetchOutside(ctx, await fetchRequest(p, ctx, mirror)) : undefined;
  let firstStage: string | undefined;
  try {
    // The first stage runs no program of the target: natively here where it can (see debootstrap-first-stage.ts).
    if (tarball) firstStage = await firstStageOutside(ctx, (target) => debootstrapArgv(p, ctx, mirror, target, { unpack: tarball }));
    if (firstStage) {
      await ctx.exec({ ...unpackFirstStage(firstStage, ctx.rootDir), chroot: false });
    } else {
      const argv = await debootstrapArgv(p, ctx, mirror, ctx.rootDir, tarball ? { unpack: tarball } : undefined);
      const env = tarball ? { TAR_OPTIONS: LARGE_RECORDS } : undefined;
      await ctx.exec({ argv, chroot: false, label: 'debootstrap', ...(env ? { env } : {}) }, { onFailure: showLog });
    }
  } finally {
    for (const file of [tarball, firstStage]) if (file) await rm(dirname(file), { recursive: true, force: true });
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
