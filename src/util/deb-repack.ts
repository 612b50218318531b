// .deb files whose data.tar is stored uncompressed, for a VM's dpkg: decompressing
// data.tar.xz runs under emulation in a TCG guest (liblzma in dpkg-deb), while here it runs
// natively and once per package, kept by the .deb's hash. dpkg and dpkg-deb accept a plain
// data.tar member (dpkg-deb(1)); the control member and everything else stay as they were,
// so the package installs exactly as the original would. Nothing of the package runs here.
import { writeWhole } from './write-whole.js';
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { capture } from './process.js';

const AR_MAGIC = '!<arch>\n';
const HEADER = 60;

export interface ArMember {
  /** The name without GNU ar's trailing slash. */
  readonly name: string;
  readonly data: Buffer;
  /** The header's fields as they were: mtime, uid, gid, mode (kept when repacking). */
  readonly mtime: string;
  readonly uid: string;
  readonly gid: string;
  readonly mode: string;
}

/** The members of an ar archive (the .deb container: short names, no symbol table). */
export function readAr(archive: Buffer): ArMember[] {
  if (archive.subarray(0, 8).toString('latin1') !== AR_MAGIC) throw new Error('not an ar archive');
  const members: ArMember[] = [];
  for (let at = 8; at + HEADER <= archive.length; ) {
    const field = (from: number, len: number) => archive.subarray(at + from, at + from + len).toString('latin1').trimEnd();
    if (archive.subarray(at + 58, at + 60).toString('latin1') !== '`\n') throw new Error(`bad ar member header at byte ${at}`);
    const size = Number(field(48, 10));
    if (!Number.isInteger(size) || size < 0 || at + HEADER + size > archive.length) throw new Error(`bad ar member size at byte ${at}`);
    members.push({
      name: field(0, 16).replace(/\/$/, ''),
      mtime: field(16, 12),
      uid: field(28, 6),
      gid: field(34, 6),
      mode: field(40, 8),
      data: archive.subarray(at + HEADER, at + HEADER + size),
    });
    at += HEADER + size + (size % 2);
  }
  return members;
}

/** An ar archive of `members`, in order, each padded to an even length as ar does. */
export function writeAr(members: readonly ArMember[]): Buffer {
  const parts: Buffer[] = [Buffer.from(AR_MAGIC, 'latin1')];
  for (const m of members) {
    if (m.name.length > 16) throw new Error(`ar member name too long: ${m.name}`);
    const header = m.name.padEnd(16) + m.mtime.padEnd(12) + m.uid.padEnd(6) + m.gid.padEnd(6) + m.mode.padEnd(8) + String(m.data.length).padEnd(10) + '`\n';
    parts.push(Buffer.from(header, 'latin1'), m.data);
    if (m.data.length % 2) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** Runs a decompressor over `data` (stdin to stdout). */
const pipeThrough = (argv: readonly string[], data: Buffer): Promise<Buffer> => capture(argv, { input: data });

/** data.tar's compressions, by member name suffix, and how to undo them. */
const DECOMPRESS: Record<string, (data: Buffer) => Promise<Buffer>> = {
  '.xz': (d) => pipeThrough(['xz', '-dc'], d),
  '.zst': (d) => pipeThrough(['zstd', '-dcq'], d),
  '.bz2': (d) => pipeThrough(['bzip2', '-dc'], d),
  '.lzma': (d) => pipeThrough(['xz', '-dc', '--format=lzma'], d),
  '.gz': async (d) => gunzipSync(d),
};

/** The .deb with its data.tar decompressed; the same buffer when it already is plain. */
export async function uncompressDeb(deb: Buffer): Promise<Buffer> {
  const members = readAr(deb);
  if (members[0]?.name !== 'debian-binary') throw new Error('not a Debian package: no debian-binary first');
  const index = members.findIndex((m) => m.name.startsWith('data.tar'));
  if (index < 0) throw new Error('not a Debian package: no data.tar member');
  const data = members[index]!;
  if (data.name === 'data.tar') return deb;
  const decompress = DECOMPRESS[data.name.slice('data.tar'.length)];
  if (!decompress) throw new Error(`unknown compression of ${data.name}`);
  const plain: ArMember = { ...data, name: 'data.tar', data: await decompress(data.data) };
  return writeAr(members.map((m, i) => (i === index ? plain : m)));
}

/**
 * The path of `deb` with an uncompressed data.tar, made once into `cacheDir` and kept
 * there by the original's sha256 (the same package under another name is made once).
 */
export async function uncompressedDeb(deb: string, cacheDir: string): Promise<string> {
  const original = await readFile(deb);
  const cached = join(cacheDir, `${createHash('sha256').update(original).digest('hex')}.deb`);
  if (await stat(cached).then((s) => s.isFile(), () => false)) return cached;
  const plain = await uncompressDeb(original);
  await mkdir(cacheDir, { recursive: true });
  // Written aside and renamed, so that a build interrupted here, or another build
  // making the same file meanwhile, never leaves half a package under the final name.
  await writeWhole(cached, plain);
  return cached;
}
