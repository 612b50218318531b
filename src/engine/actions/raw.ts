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
 * origin `recipe` the source must exist when the recipe is checked, unless a command on
 * the build host runs before it (then `check` warns). An offset past the end of the image
 * or partition is an error; the file is streamed, never read into memory.
 */
import { posix } from 'node:path';
import { defineAction, PropertyError } from './action.js';
import { BuildError } from '../../core/errors.js';
import { mapping, parseGoInt, str } from '../recipe/properties.js';
import type { StageContext } from '../run/stage.js';
import { actionFields, inOrigin } from './fields.js';
import { checkOrigin } from './origins.js';

/** The offset in bytes: Go's integer forms (debos reads them with ParseInt), or `Ns`
 * sectors of the recipe's sector size. Undefined when it is neither. */
export function rawOffset(text: string, sectorSize: number): number | undefined {
  const sectors = /^(.*)s$/.exec(text);
  const n = parseGoInt(sectors ? sectors[1]! : text);
  if (n === undefined || n < 0) return undefined;
  return sectors ? n * sectorSize : n;
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

/** The source file as the machine sees it: in the root (confined to it), else in its origin. */
async function sourcePath(ctx: StageContext, origin: string, source: string): Promise<string> {
  return origin === 'filesystem' ? ctx.machine.files.resolve(posix.join('/', source)) : inOrigin(ctx.origin(origin), source);
}

export const raw = defineAction({
  kind: 'raw',
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
    const offset = rawOffset(p.offset, ctx.sectorSize);
    if (offset === undefined) {
      throw new PropertyError('offset', `offset "${p.offset}" is neither a number of bytes nor of sectors (like 32s)`);
    }
    if (!ctx.image) throw new PropertyError('', 'there is no image to write into: no image-partition action comes before it');
    if (ctx.image.invalid) return;
    const target = p.partition === undefined ? { what: `the image ${ctx.image.name}`, bytes: ctx.image.bytes } : ctx.image.partitions.find((x) => x.name === p.partition);
    if (!target) {
      const names = ctx.image.partitions.map((x) => x.name);
      throw new PropertyError('partition', `the image ${ctx.image.name} has no partition "${p.partition}"`, names.length ? `its partitions are ${names.join(', ')}` : 'it has no partitions');
    }
    if (target.bytes !== undefined && offset >= target.bytes) {
      const what = 'what' in target ? target.what : `partition ${p.partition}`;
      throw new PropertyError('offset', `offset ${p.offset} (byte ${offset}) is past the end of ${what} (${target.bytes} bytes)`);
    }
  },
  files(p, ctx) {
    const { origin, source } = rawSource(p);
    return origin === 'recipe' ? [{ property: p.path === undefined ? 'source' : 'path', path: inOrigin(ctx.recipeDir, source), kind: 'file' }] : [];
  },
  async run(p, ctx) {
    const image = ctx.image;
    if (!image) throw new BuildError('there is no image to write into: no image-partition action before this one made one');
    const target = p.partition === undefined ? { ...image.device, what: `the image ${image.file}` } : image.partitions.find((x) => x.name === p.partition);
    if (!target) throw new BuildError(`'partition': the image has no partition named ${p.partition}`);
    const what = 'what' in target ? target.what : `partition ${p.partition} (${target.path})`;
    const { origin, source } = rawSource(p);
    const file = await sourcePath(ctx, origin, source);
    const offset = rawOffset(p.offset, ctx.sectorSize)!;
    // Its size, where the command runs (the root of a VM build is in the VM).
    const stat = await ctx.exec({ argv: ['stat', '-L', '-c', '%s', file], chroot: false, label: 'raw' }, { allowFailure: true });
    const size = Number(stat.outputTail.at(-1));
    if (stat.exitStatus !== 0 || !Number.isSafeInteger(size)) throw new BuildError(`'source': cannot read ${file}: ${stat.outputTail.join(' ')}`);
    if (offset + size > target.bytes) {
      throw new BuildError(`'offset': ${source} (${size} bytes) at offset ${p.offset} (byte ${offset}) ends past the end of ${what}, which has ${target.bytes} bytes`);
    }
    ctx.info(`Writing ${file} at byte ${offset} of ${what}`);
    // Streamed by dd in large blocks, never read whole; written through and synced.
    const argv = ['dd', `if=${file}`, `of=${target.path}`, 'bs=4M', `seek=${offset}`, 'oflag=seek_bytes', 'conv=notrunc,fsync', 'status=none'];
    await ctx.exec({ argv, chroot: false, label: 'raw' });
  },
});
