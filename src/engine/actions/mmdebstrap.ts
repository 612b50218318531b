/**
 * mmdebstrap: build the root filesystem with mmdebstrap.
 *
 * ```yaml
 * - action: mmdebstrap
 *   suite: trixie
 *   components: [main]
 *   variant: minbase
 *   mirrors: [<a Debian mirror URL>]
 *   keyring-packages: [debian-archive-keyring]
 *   keyring-files: [keys/archive.gpg]
 *   include: [ca-certificates]
 *   dpkg-opts: [path-exclude=/usr/share/doc/*]
 *   apt-opts: [Acquire::Retries=3]
 *   merged-usr: true
 * ```
 *
 * - `suite` (required): release code name or symbolic name.
 * - `mirrors`: repository URLs; default: mmdebstrap's own choice.
 * - `components`: default `[main]`.
 * - `variant`: mmdebstrap variant.
 * - `keyring-packages`: packages installed to validate the archive.
 * - `keyring-files`: keyring files, relative to the recipe; they must exist.
 * - `include`: extra packages to install.
 * - `dpkg-opts`, `apt-opts`: options passed as `--dpkgopt` / `--aptopt`, one per item.
 * - `merged-usr`: force merged (true) or split (false) `/usr`; default: the suite's own.
 */
import { resolve } from 'node:path';
import type { z } from 'zod';
import { pathExists } from '../../util/exists.js';
import { defineAction } from './action.js';
import { fingerprint, valueInput } from '../cache/layer-cache.js';
import type { StageContext } from '../run/stage.js';
import { bool, mapping, str, strList } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';

export const HOOKS = '/usr/share/mmdebstrap/hooks';

type Params = z.output<typeof schema>;

/**
 * Ours, on top of debos's command line: eatmydata while installing, and the package cache
 * shared with debootstrap and apt (synced in before, out after, and emptied in the image).
 */
export async function speedOptions(ctx: StageContext): Promise<string[]> {
  const options: string[] = [];
  if (await pathExists(`${HOOKS}/eatmydata`)) options.push(`--hook-dir=${HOOKS}/eatmydata`);
  const cache = await ctx.packageCache();
  const archives = '/var/cache/apt/archives';
  options.push(
    '--skip=download/empty',
    '--skip=essential/unlink',
    `--setup-hook=mkdir -p "$1"${archives}/`,
    `--setup-hook=sync-in ${cache} ${archives}/`,
    `--customize-hook=sync-out ${archives} ${cache}`,
    `--customize-hook=rm -f "$1"${archives}/*.deb`,
  );
  return options;
}

async function mmdebstrapArgv(p: Params, ctx: StageContext): Promise<string[]> {
  const argv = ['mmdebstrap'];
  if (p['merged-usr'] !== undefined) argv.push(`--hook-dir=${HOOKS}/${p['merged-usr'] ? 'merged-usr' : 'no-merged-usr'}`);
  if (p['keyring-files']?.length) argv.push(`--keyring=${p['keyring-files'].map((f) => resolve(ctx.recipeDir, f)).join(',')}`);
  if (p['keyring-packages']?.length) argv.push(`--include=${p['keyring-packages'].join(',')}`);
  argv.push(`--components=${p.components.join(',')}`, `--architectures=${ctx.architecture}`);
  if (p.variant) argv.push(`--variant=${p.variant}`);
  if (p.include?.length) argv.push(`--include=${p.include.join(',')}`);
  for (const o of p['dpkg-opts'] ?? []) argv.push(`--dpkgopt=${o}`);
  for (const o of p['apt-opts'] ?? []) argv.push(`--aptopt=${o}`);
  argv.push(...(await speedOptions(ctx)));
  const mirrors = p.mirrors?.length ? p.mirrors : [await ctx.hostMirror()];
  argv.push(p.suite, ctx.rootDir, ...mirrors);
  return argv;
}

async function run(p: Params, ctx: StageContext): Promise<void> {
  // mmdebstrap runs target binaries itself (through binfmt) for a foreign architecture.
  if (ctx.foreign) await ctx.ensureTargetRuns();
  try {
    await ctx.exec({ argv: await mmdebstrapArgv(p, ctx), chroot: false, label: 'mmdebstrap' });
  } finally {
    await ctx.machine.files.remove('/etc/resolv.conf');
  }
}

const schema = mapping({
  ...actionFields('mmdebstrap'),
  suite: str(),
  mirrors: strList().optional(),
  components: strList().default(['main']),
  variant: str().optional(),
  'keyring-packages': strList().optional(),
  'keyring-files': strList().optional(),
  include: strList().optional(),
  'dpkg-opts': strList().optional(),
  'apt-opts': strList().optional(),
  'merged-usr': bool().optional(),
});

export const mmdebstrap = defineAction({
  kind: 'mmdebstrap',
  schema,
  async cacheEffect(p, ctx) {
    const keyrings = await Promise.all((p['keyring-files'] ?? []).map((f) => fingerprint(resolve(ctx.recipeDir, f), `keyring file ${f}`)));
    return { replay: [...(p.mirrors?.length ? p.mirrors : [await ctx.hostMirror()]).map((m) => valueInput('mirror', m)), ...keyrings] };
  },
  files: (p, ctx) =>
    (p['keyring-files'] ?? []).map((file, i) => ({
      property: `keyring-files.${i}`,
      path: inRecipeDir(ctx, file),
      kind: 'file' as const,
    })),
  run,
});
