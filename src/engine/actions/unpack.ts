/**
 * unpack: unpack an archive (tar, .deb or .zip) into the root filesystem.
 *
 * ```yaml
 * - action: unpack
 *   file: rootfs.tar.gz
 *   origin: artifacts
 *   compression: gz
 * ```
 *
 * - `file`: the archive, relative to the origin. May be left out when the origin is a
 *   downloaded file.
 * - `origin`: `artifacts` (default), `recipe`, `filesystem`, or the name of an earlier
 *   download action. At least one of `file` and `origin` is required.
 * - `compression`: for tar archives only: bzip2, gz, lzip, lzma, lzop, xz or zstd;
 *   default: tar detects it.
 * - `destdir`: directory inside the root to unpack into; default the root itself.
 *
 * With origin `recipe` the file must exist.
 */
import { defineAction, PropertyError } from './action.js';
import { mapping, oneOf, str } from '../recipe/properties.js';
import { archiveType, TAR_COMPRESSIONS, unpackArchive } from './archive.js';
import { staysInside } from './overlay.js';
import { fingerprint } from '../cache/layer-cache.js';
import type { StageContext } from '../run/stage.js';
import { actionFields, inOrigin } from './fields.js';
import { checkOrigin } from './origins.js';

/** The archive to unpack: `file` in its origin (artifacts by default), or a downloaded file. */
function archiveOf(p: { file?: string | undefined; origin?: string | undefined }, ctx: StageContext): string {
  const origin = ctx.origin(p.origin ?? 'artifacts');
  return p.file === undefined ? origin : inOrigin(origin, p.file);
}

export const unpack = defineAction({
  kind: 'unpack',
  schema: mapping({
    ...actionFields('unpack'),
    file: str().optional(),
    origin: str().optional(),
    compression: oneOf(TAR_COMPRESSIONS).optional(),
    destdir: str().optional(),
  }),
  verify(p, ctx) {
    if (!p.file && p.origin === undefined) {
      throw new PropertyError('', "one of 'file' or 'origin' is required");
    }
    if (p.origin !== undefined) checkOrigin(p.origin, ctx);
    if (p.file !== undefined && !staysInside(p.file)) throw new PropertyError('file', `file "${p.file}" leads out of its origin`);
    if (p.compression !== undefined && p.file && archiveType(p.file) !== 'tar') {
      throw new PropertyError('compression', "'compression' is supported for tar archives only");
    }
  },
  files: (p, ctx) =>
    p.origin === 'recipe' && p.file ? [{ property: 'file', path: inOrigin(ctx.recipeDir, p.file), kind: 'file' }] : [],
  cacheEffect: async (p, ctx) => ({ replay: [await fingerprint(archiveOf(p, ctx), `archive ${p.file}`)] }),
  async run(p, ctx) {
    const file = archiveOf(p, ctx);
    let dest = ctx.rootDir;
    if (p.destdir !== undefined) {
      await ctx.machine.files.mkdir(p.destdir);
      dest = await ctx.machine.files.resolve(p.destdir);
    }
    await unpackArchive(ctx, file, dest, { compression: p.compression });
  },
});
