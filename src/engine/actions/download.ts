/**
 * download: fetch one file over HTTP(S), and unpack it if asked. Its `name` becomes an
 * origin that later actions can read from.
 *
 * ```yaml
 * - action: download
 *   url: https://example.org/firmware/fw-1.2.tar.xz
 *   name: firmware
 *   unpack: true
 *   sha256sum: 3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b
 * ```
 *
 * - `url` (required): http or https URL.
 * - `name` (required): the origin name for later actions: the file, or with `unpack`
 *   the directory it was unpacked into.
 * - `filename`: name to save as; default: the last part of the URL's path.
 * - `unpack`: unpack the archive after downloading; default false.
 * - `compression`: with `unpack` of a tar archive: bzip2, gz, lzip, lzma, lzop, xz or zstd.
 * - `sha256sum`: expected SHA-256 of the file, 64 hex digits; a mismatch fails the build.
 */
import { posix } from 'node:path';
import { defineAction, PropertyError } from '../action.js';
import { bool, mapping, str } from '../recipe/properties.js';
import { archiveType, TAR_COMPRESSIONS } from './archive.js';
import { actionFields } from './fields.js';

/** The name the download is saved as: `filename`'s last part, else the URL path's. */
export function downloadFilename(p: { url: string; filename?: string | undefined }): string {
  return posix.basename(p.filename ?? new URL(p.url).pathname);
}

export const download = defineAction({
  kind: 'download',
  schema: mapping({
    ...actionFields('download'),
    url: str(),
    name: str(),
    filename: str().optional(),
    unpack: bool().default(false),
    compression: str().optional(),
    sha256sum: str().optional(),
  }),
  verify(p) {
    if (!p.name) throw new PropertyError('name', "'name' can't be empty");
    if (!URL.canParse(p.url) || !['http:', 'https:'].includes(new URL(p.url).protocol)) {
      throw new PropertyError('url', `unsupported URL "${p.url}": only http and https URLs can be downloaded`);
    }
    const file = downloadFilename(p);
    if (!file) {
      throw new PropertyError('url', `no file name in URL "${p.url}"`, "set 'filename'");
    }
    const compressions: readonly string[] = TAR_COMPRESSIONS;
    if (p.unpack && p.compression !== undefined && archiveType(file) === 'tar' && !compressions.includes(p.compression)) {
      throw new PropertyError('compression', `compression "${p.compression}" is not supported; expected one of ${compressions.join(', ')}`);
    }
    if (p.sha256sum !== undefined && !/^[0-9a-fA-F]{64}$/.test(p.sha256sum)) {
      throw new PropertyError('sha256sum', "'sha256sum' must be 64 hexadecimal digits");
    }
  },
});
