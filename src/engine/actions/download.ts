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
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BuildError } from '../../core/errors.js';
import type { StageContext } from '../run/stage.js';
import { defineAction, PropertyError } from './action.js';
import { bool, mapping, str } from '../recipe/properties.js';
import { archiveType, TAR_COMPRESSIONS, unpackArchive } from './archive.js';
import { actionFields } from './fields.js';

/** The name the download is saved as: `filename`'s last part, else the URL path's. */
export function downloadFilename(p: { url: string; filename?: string | undefined }): string {
  return posix.basename(p.filename ?? new URL(p.url).pathname);
}

/** Fetches url into file, returning the SHA-256 of what was written. */
async function fetchTo(url: string, file: string, ctx: StageContext): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, ctx.signal ? { signal: ctx.signal } : {});
  } catch (err) {
    const cause = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new BuildError(`cannot download ${url}: ${cause}`);
  }
  if (!response.ok || !response.body) throw new BuildError(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`);
  const hash = createHash('sha256');
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(body, createWriteStream(file));
  return hash.digest('hex');
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
    // debos keeps only the last part of the name; `..` or `.` would still lead elsewhere.
    if (file === '..' || file === '.' || file === '/') {
      throw new PropertyError(p.filename === undefined ? 'url' : 'filename', `incorrect file name "${file}" to save the download as`, "set 'filename' to a file name");
    }
    const compressions: readonly string[] = TAR_COMPRESSIONS;
    if (p.unpack && p.compression !== undefined && archiveType(file) === 'tar' && !compressions.includes(p.compression)) {
      throw new PropertyError('compression', `compression "${p.compression}" is not supported; expected one of ${compressions.join(', ')}`);
    }
    if (p.sha256sum !== undefined && !/^[0-9a-fA-F]{64}$/.test(p.sha256sum)) {
      throw new PropertyError('sha256sum', "'sha256sum' must be 64 hexadecimal digits");
    }
  },
  // It always runs: what it fetched may have changed at the server.
  cacheEffect: async () => ({ leavesRoot: true, artifacts: [] }),
  async run(p, ctx) {
    const file = join(ctx.downloadDir, downloadFilename(p));
    const existing = await lstat(file).catch(() => undefined);
    if (existing && !existing.isFile()) throw new BuildError(`cannot download to ${file}: it exists and is not a regular file`);
    ctx.info(`Downloading ${p.url}`);
    const sha256 = await fetchTo(p.url, file, ctx);
    ctx.info(`sha256 ${sha256} ${downloadFilename(p)}`);
    if (p.sha256sum !== undefined && sha256 !== p.sha256sum.toLowerCase()) {
      await rm(file, { force: true });
      throw new BuildError(`the download of ${p.url} has sha256 ${sha256}, not ${p.sha256sum.toLowerCase()}`);
    }
    let origin = file;
    if (p.unpack) {
      origin = `${file}.d`;
      await mkdir(origin, { recursive: true });
      await unpackArchive(ctx, file, origin, { compression: p.compression, relaxed: true });
    }
    ctx.origins.add(p.name, origin);
  },
});
