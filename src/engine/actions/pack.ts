/**
 * pack: archive the root filesystem into a tarball in the artifact directory.
 *
 * ```yaml
 * - action: pack
 *   file: rootfs.tar.gz
 *   compression: gz
 * ```
 *
 * - `file` (required): the tarball, joined under the artifact directory (`/abs/x.tar.gz`
 *   is `ARTIFACTDIR/abs/x.tar.gz`, as with debos); it cannot lead out of it.
 * - `compression`: one of bzip2, gz, lzip, lzma, lzop, xz, zstd, auto (from the file
 *   name), none; default gz.
 * - `subdir`: pack only this directory of the root (it must exist when the action runs).
 *
 * For reproducible output (SOURCE_DATE_EPOCH, --reproducible) the members are sorted,
 * their times clamped to the epoch and their owners numeric, and a whole root is first rid
 * of what differs from build to build (build-noise.ts).
 */
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { defineAction } from './action.js';
import { removeBuildNoise } from './build-noise.js';
import { BuildError } from '../../core/errors.js';
import { mapping, oneOf, str } from '../recipe/properties.js';
import { reproducibleTarArgs } from './reproducible.js';
import type { StageContext } from '../run/stage.js';
import { compressorArgv, LARGE_RECORDS, TAR_COMPRESSIONS, tarCreateCompression } from './archive.js';
import { actionFields, checkArtifactName } from './fields.js';

/**
 * In a VM, tar writes the root uncompressed in large records, and the compressor runs
 * outside it, natively: under emulation compressing took most of a pack's time.
 */
async function packOutside(ctx: StageContext, dir: string, file: string, compressor: readonly string[]): Promise<void> {
  const raw = join(ctx.scratchDir, `pack-${ctx.index}-${basename(file)}.tar`);
  try {
    await ctx.exec({ argv: ['tar', 'cf', raw, LARGE_RECORDS, ...tarOptions(ctx), '-C', dir, '.'], chroot: false, label: 'pack' });
    await ctx.execOutside({ argv: ['sh', '-c', `${compressor.join(' ')} < "$1" > "$2"`, 'sh', raw, file], label: 'pack (compress)' });
  } finally {
    await rm(raw, { force: true });
  }
}

/** What tar keeps of each member: extended attributes, and for reproducible output no
 * more than the files themselves say. */
const tarOptions = (ctx: StageContext) => ['--xattrs', '--xattrs-include=*.*', ...(ctx.sourceDateEpoch === undefined ? [] : reproducibleTarArgs(ctx.sourceDateEpoch))];

export const pack = defineAction({
  kind: 'pack',
  schema: mapping({
    ...actionFields('pack'),
    file: str(),
    compression: oneOf([...TAR_COMPRESSIONS, 'auto', 'none']).default('gz'),
    subdir: str().optional(),
  }),
  verify(p) {
    checkArtifactName('file', p.file);
  },
  artifact: (p) => ({ name: p.file, tree: p.subdir }),
  cacheEffect: async (p, ctx) =>
    ctx.sourceDateEpoch !== undefined && p.subdir === undefined
      ? { opaque: 'for reproducible output it removes build noise from the root' }
      : { leavesRoot: true, artifacts: [] },
  async run(p, ctx) {
    const file = ctx.artifactPath(p.file);
    // A name with directories in it (`/images/root.tar.gz`) gets them.
    await mkdir(dirname(file), { recursive: true });
    const dir = p.subdir === undefined ? ctx.rootDir : await ctx.machine.files.resolve(p.subdir);
    if (p.subdir !== undefined && !(await ctx.machine.files.exists(p.subdir))) {
      throw new BuildError(`subdir ${p.subdir} does not exist in the root`);
    }
    if (p.subdir === undefined) await removeBuildNoise(ctx);
    ctx.info(`Compressing to ${file}`);
    try {
      const compressor = ctx.offload ? await compressorArgv(p.compression, file, ctx) : undefined;
      if (compressor) return await packOutside(ctx, dir, file, compressor);
      const compression = await tarCreateCompression(p.compression, ctx);
      await ctx.exec({ argv: ['tar', 'cf', file, ...tarOptions(ctx), ...compression, '-C', dir, '.'], chroot: false, label: 'pack' });
    } catch (err) {
      // A tarball cut short (the build was interrupted, the disk filled) is no artifact.
      await rm(file, { force: true });
      throw err;
    }
  },
});
