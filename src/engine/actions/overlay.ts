/**
 * overlay: copy a file or directory tree into the root, overwriting what is there.
 *
 * ```yaml
 * - action: overlay
 *   source: overlays/sudo
 *   destination: /
 * ```
 *
 * - `source`: file or directory to copy, relative to the origin. Without it, the whole
 *   origin is copied.
 * - `origin`: `recipe` (default), `filesystem`, `artifacts`, or the name of an earlier
 *   download action. At least one of `source` and `origin` is required.
 * - `destination`: path inside the root; default `/`. It may not lead out of the root.
 *
 * With origin `recipe` the source must exist. Ownership, extended attributes and
 * timestamps are not copied.
 */
import { posix, resolve } from 'node:path';
import { defineAction, PropertyError } from './action.js';
import { mapping, str } from '../recipe/properties.js';
import { fingerprint } from '../cache/layer-cache.js';
import { actionFields, inRecipeDir } from './fields.js';
import { checkOrigin } from './origins.js';

/** True when `path`, taken relative to a root, stays inside it (debos's RestrictedPath). */
export function staysInside(path: string): boolean {
  const joined = posix.join('/root', path);
  return joined === '/root' || joined.startsWith('/root/');
}

export const overlay = defineAction({
  kind: 'overlay',
  schema: mapping({
    ...actionFields('overlay'),
    source: str().optional(),
    origin: str().optional(),
    destination: str().default('/'),
  }),
  verify(p, ctx) {
    if (p.source === undefined && p.origin === undefined) {
      throw new PropertyError('', "one of 'source' or 'origin' is required");
    }
    if (p.origin !== undefined) checkOrigin(p.origin, ctx);
    if (!staysInside(p.destination)) {
      throw new PropertyError('destination', `destination "${p.destination}" leads out of the root filesystem`);
    }
  },
  files: (p, ctx) =>
    (p.origin ?? 'recipe') === 'recipe'
      ? [{ property: p.source === undefined ? 'origin' : 'source', path: inRecipeDir(ctx, p.source ?? '.'), kind: 'any' }]
      : [],
  async cacheEffect(p, ctx) {
    const origin = p.origin ?? 'recipe';
    // A source in the root is part of the root before it, which the key already covers.
    return { replay: origin === 'filesystem' ? [] : [await fingerprint(resolve(ctx.origin(origin), p.source ?? '.'), `overlay ${p.source ?? '.'}`)] };
  },
  async run(p, ctx) {
    const origin = p.origin ?? 'recipe';
    const files = ctx.machine.files;
    // A source in the root itself resolves as the chroot would; others are host paths.
    const source = origin === 'filesystem' ? await files.resolve(p.source ?? '/') : resolve(ctx.origin(origin), p.source ?? '.');
    ctx.info(`Overlaying ${source} on ${p.destination}`);
    await files.mkdir(posix.dirname(posix.join('/', p.destination)));
    await files.copyIn(source, p.destination);
  },
});
