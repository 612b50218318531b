/**
 * install-deb: install local .deb files in the root with apt-get (inside the chroot).
 *
 * ```yaml
 * - action: install-deb
 *   origin: recipe
 *   packages: [debs/*.deb, extra/tool_1.0_all.deb]
 *   recommends: false
 *   unauthenticated: false
 *   update: true
 * ```
 *
 * - `packages`: .deb files, as glob patterns relative to the origin. Required unless the
 *   origin is a single downloaded file, which is then the package.
 * - `origin`: where the files are: `recipe` (default), `filesystem`, `artifacts`, or
 *   the name of an earlier download action.
 * - `recommends`: install recommended packages too; default false.
 * - `unauthenticated`: allow unauthenticated packages; default false.
 * - `update`: run `apt-get update` first; default true.
 *
 * With origin `recipe`, a package named without glob characters must exist.
 */
import { stat } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { defineAction, PropertyError } from './action.js';
import { BuildError } from '../../core/errors.js';
import { glob } from '../../util/glob.js';
import type { Bind } from '../../vm/machine.js';
import { fingerprint } from '../cache/layer-cache.js';
import type { StageContext } from '../run/stage.js';
import { aptGetInstall } from './apt-get.js';
import { bool, mapping, str, strList } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';
import { checkOrigin } from './origins.js';

const GLOB = /[*?[]/;

/** The .deb files the action installs: the origin itself when it is a file, else the
 * matches of each pattern in it (each must match something). */
async function packageFiles(p: { origin: string; packages: readonly string[] }, ctx: StageContext): Promise<string[]> {
  const origin = ctx.origin(p.origin);
  if ((await stat(origin)).isFile()) {
    if (p.packages.length > 0) throw new BuildError(`origin ${p.origin} is a single file: 'packages' must be empty`);
    return [origin];
  }
  const files: string[] = [];
  for (const pattern of p.packages) {
    const found = await glob(origin, pattern);
    if (found.length === 0) throw new BuildError(`no package matches ${pattern} in ${origin}`);
    files.push(...found);
  }
  return [...new Set(files)];
}

export const installDeb = defineAction({
  kind: 'install-deb',
  schema: mapping({
    ...actionFields('install-deb'),
    packages: strList().default([]),
    origin: str().default('recipe'),
    recommends: bool().default(false),
    unauthenticated: bool().default(false),
    update: bool().default(true),
  }),
  verify(p, ctx) {
    checkOrigin(p.origin, ctx);
    // A download can be a single .deb; a built-in origin is a directory to pick from.
    if (p.packages.length === 0 && !ctx.downloadNames.has(p.origin)) {
      throw new PropertyError('packages', `'packages' can't be empty when the origin is the ${p.origin} directory`);
    }
  },
  files: (p, ctx) =>
    p.origin !== 'recipe'
      ? []
      : p.packages.flatMap((pattern, i) =>
          GLOB.test(pattern) ? [] : [{ property: `packages.${i}`, path: inRecipeDir(ctx, pattern), kind: 'file' as const }],
        ),
  // Packages in the root are part of the root before it, which the key already covers.
  async cacheEffect(p, ctx) {
    return { replay: p.origin === 'filesystem' ? [] : await Promise.all((await packageFiles(p, ctx)).map((f) => fingerprint(f, `package ${basename(f)}`))) };
  },
  async run(p, ctx) {
    const files = await packageFiles(p, ctx);
    // Files in the root are named by their path there; others are bound in under /tmp.
    const binds: Bind[] = [];
    const packages = files.map((file, i) => {
      const inRoot = relative(ctx.rootDir, file);
      if (!inRoot.startsWith('..')) return `/${inRoot}`;
      const target = `/tmp/debstep-debs/${i}-${basename(file)}`;
      binds.push({ source: file, target, readOnly: true });
      return target;
    });
    await aptGetInstall(ctx, { ...p, packages, binds });
  },
});
