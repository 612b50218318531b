/**
 * pack: archive the root filesystem into a tarball in the artifact directory.
 *
 * ```yaml
 * - action: pack
 *   file: rootfs.tar.gz
 *   compression: gz
 * ```
 *
 * - `file` (required): the tarball, relative to the artifact directory.
 * - `compression`: one of bzip2, gz, lzip, lzma, lzop, xz, zstd, auto (from the file
 *   name), none; default gz.
 * - `subdir`: pack only this directory of the root (it must exist when the action runs).
 */
import { defineAction } from '../action.js';
import { mapping, oneOf, str } from '../recipe/properties.js';
import { TAR_COMPRESSIONS } from './archive.js';
import { actionFields } from './fields.js';

export const pack = defineAction({
  kind: 'pack',
  schema: mapping({
    ...actionFields('pack'),
    file: str(),
    compression: oneOf([...TAR_COMPRESSIONS, 'auto', 'none']).default('gz'),
    subdir: str().optional(),
  }),
});
