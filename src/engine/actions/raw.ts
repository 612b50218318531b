/**
 * raw: write a file into the image (or one of its partitions) at an offset, e.g. a
 * bootloader.
 *
 * ```yaml
 * - action: raw
 *   origin: recipe
 *   source: u-boot.bin
 *   offset: 32s
 *   partition: boot
 * ```
 *
 * - `source` (required): the file, relative to the origin.
 * - `origin`: `recipe` (default), `filesystem`, `artifacts`, or the name of an earlier
 *   download action.
 * - `offset`: where to write, in bytes (`1024`, `0x400`) or sectors of the recipe's
 *   `sectorsize` (`32s`); default 0.
 * - `partition`: name of an image-partition partition to write into instead of the
 *   whole image.
 *
 * The old form `source: <origin>` + `path: <file>` still works, with a warning. With
 * origin `recipe` the source must exist.
 */
import { defineAction, PropertyError } from '../action.js';
import { mapping, parseGoInt, str } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';
import { checkOrigin } from './origins.js';

/** Bytes in Go's integer forms (debos reads them with ParseInt), or sectors: `Ns`. */
function isOffset(text: string): boolean {
  return /^\d+s$/.test(text) || (parseGoInt(text) ?? -1) >= 0;
}

interface RawProperties {
  readonly origin?: string | undefined;
  readonly source?: string | undefined;
  readonly path?: string | undefined;
}

/** Origin and source, read from either form: `path` means `source` names the origin. */
export function rawSource(p: RawProperties): { origin: string; source: string } {
  return p.path !== undefined
    ? { origin: p.source ?? '', source: p.path }
    : { origin: p.origin ?? 'recipe', source: p.source ?? '' };
}

export const raw = defineAction({
  kind: 'raw',
  unsupported: 'disk images are not supported yet',
  schema: mapping({
    ...actionFields('raw'),
    source: str().optional(),
    origin: str().optional(),
    offset: str().default('0'),
    partition: str().optional(),
    path: str().optional(),
  }),
  verify(p, ctx) {
    if (p.path !== undefined) {
      ctx.warn('path', "'source' with 'path' is deprecated: use 'origin' (was 'source') and 'source' (was 'path')");
      if (p.origin !== undefined) throw new PropertyError('origin', "can't mix 'origin' with the deprecated 'path'");
    }
    const { origin, source } = rawSource(p);
    if (!source) throw new PropertyError(p.path === undefined ? 'source' : 'path', "'source' can't be empty");
    checkOrigin(origin, ctx, p.path === undefined ? 'origin' : 'source');
    if (!isOffset(p.offset)) {
      throw new PropertyError('offset', `offset "${p.offset}" is neither a number of bytes nor of sectors (like 32s)`);
    }
  },
  files(p, ctx) {
    const { origin, source } = rawSource(p);
    return origin === 'recipe' ? [{ property: p.path === undefined ? 'source' : 'path', path: inRecipeDir(ctx, source), kind: 'file' }] : [];
  },
});
