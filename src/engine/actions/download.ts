/**
 * download: fetch one file over HTTP(S) with curl, and unpack it if asked. Its `name`
 * becomes an origin that later actions can read from. As with debos, http_proxy,
 * https_proxy and no_proxy (either case, also given with -e) and the system's CA bundle
 * count.
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
import { createReadStream } from 'node:fs';
import { lstat, mkdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
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

/** The proxy variables as Go's net/http (debos's client) reads them: the upper-case name
 * first, then the lower-case one; given to curl in the lower-case names it reads first.
 * The others are set empty (curl's "unset"), so that one the build's environment does not
 * have (`-e https_proxy:` removes it) does not reach curl from debstep's own. */
export function curlProxyEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['http_proxy', 'https_proxy', 'no_proxy', 'all_proxy']) {
    out[name.toUpperCase()] = '';
    out[name] = (name === 'all_proxy' ? '' : env[name.toUpperCase()] || env[name]) ?? '';
  }
  return out;
}

/** Go never sends a request for localhost or a loopback address through a proxy. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1';
}

/** The curl command that fetches url into file: Debian's curl, so the proxy variables and
 * the system's CA bundle (or SSL_CERT_FILE) count as for debos; redirects followed, an
 * HTTP error status is a failure, and only http and https are spoken, redirects too. */
export function curlArgv(url: string, file: string): string[] {
  const argv = ['curl', '--fail', '--silent', '--show-error', '--location', '--proto', '=http,https', '--proto-redir', '=http,https', '--output', file];
  if (isLoopback(url)) argv.push('--noproxy', '*');
  return [...argv, '--', url];
}

/** Fetches url into file with curl, returning the SHA-256 of what was written. */
async function fetchTo(url: string, file: string, ctx: StageContext): Promise<string> {
  const env = curlProxyEnv(ctx.env);
  const r = await ctx.execOutside({ argv: curlArgv(url, file), env, label: 'download' }, { allowFailure: true });
  if (r.exitStatus !== 0) {
    await rm(file, { force: true });
    // curl's own message ("curl: (60) SSL certificate problem: ..."), not the advice after it.
    const lines = r.outputTail.filter((l) => l.trim() !== '');
    const why = lines.find((l) => /^curl: \(\d+\) /.test(l)) ?? lines.at(-1) ?? `curl ended with status ${r.exitStatus ?? r.signal}`;
    throw new BuildError(`cannot download ${url}: ${why.replace(/^curl: \(\d+\) /, '')}`);
  }
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
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
    // Not there yet, the usual case; anything else curl reports when it writes.
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
