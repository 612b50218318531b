// The kernel as an uncompressed ELF with a PVH entry point, which QEMU starts directly:
// no firmware, no real-mode setup, no decompression. Under TCG, unpacking an xz bzImage
// takes the guest seconds; here it is done once on the host and cached.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { capture } from '../../util/process.js';

/** XEN_ELFNOTE_PHYS32_ENTRY: the note a kernel built with CONFIG_PVH carries. */
const PVH_ENTRY_NOTE = 18;

/** Whether `elf` is a 64-bit ELF with a PVH entry note. */
export function hasPvhEntry(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false;
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > elf.length || elf.readUInt32LE(ph) !== 4) continue; // PT_NOTE
    const start = Number(elf.readBigUInt64LE(ph + 8));
    const end = Math.min(elf.length, start + Number(elf.readBigUInt64LE(ph + 32)));
    for (let at = start; at + 12 <= end; ) {
      const namesz = elf.readUInt32LE(at);
      const descsz = elf.readUInt32LE(at + 4);
      const type = elf.readUInt32LE(at + 8);
      const name = elf.subarray(at + 12, at + 12 + namesz).toString('latin1');
      if (name === 'Xen\0' && type === PVH_ENTRY_NOTE) return true;
      at += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

interface Codec {
  readonly magic: Buffer;
  readonly name: string;
  readonly unpack: (data: Buffer) => Promise<Buffer>;
}

const viaTool = (command: string, args: string[]) => (data: Buffer) => capture([command, ...args], { input: data });

/** Linux appends the uncompressed size (4 bytes) to the payload: zstd refuses trailing bytes. */
const withoutSize = (unpack: Codec['unpack']) => (data: Buffer) => unpack(data.subarray(0, -4));

const CODECS: readonly Codec[] = [
  { magic: Buffer.from([0x1f, 0x8b]), name: 'gzip', unpack: async (d) => gunzipSync(d) },
  { magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), name: 'xz', unpack: viaTool('xz', ['-dc', '--single-stream']) },
  { magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), name: 'zstd', unpack: withoutSize(viaTool('zstd', ['-dc'])) },
  { magic: Buffer.from([0x5d, 0x00, 0x00]), name: 'lzma', unpack: viaTool('xz', ['--format=lzma', '-dc']) },
  { magic: Buffer.from([0x02, 0x21, 0x4c, 0x18]), name: 'lz4', unpack: viaTool('lz4', ['-dc']) },
  { magic: Buffer.from([0x42, 0x5a, 0x68]), name: 'bzip2', unpack: viaTool('bzip2', ['-dc']) },
];

/** The compressed vmlinux inside a bzImage, from the boot protocol header (2.08+). */
export function bzImagePayload(image: Buffer): Buffer | undefined {
  if (image.length < 0x250 || image.toString('latin1', 0x202, 0x206) !== 'HdrS' || image.readUInt16LE(0x206) < 0x208) return undefined;
  const setupSectors = image[0x1f1] || 4;
  const start = (setupSectors + 1) * 512 + image.readUInt32LE(0x248);
  return image.subarray(start, start + image.readUInt32LE(0x24c));
}

async function unpackKernel(image: Buffer): Promise<{ elf?: Buffer; why: string }> {
  const payload = bzImagePayload(image);
  if (!payload) return { why: 'the image is neither a bzImage nor an ELF with a PVH entry' };
  const codec = CODECS.find((c) => payload.subarray(0, c.magic.length).equals(c.magic));
  if (!codec) return { why: 'its compression is not one debstep can unpack' };
  // Reported as the reason just below.
  const elf = await codec.unpack(payload).catch(() => undefined);
  if (!elf) return { why: `unpacking its ${codec.name} payload failed (is ${codec.name} installed?)` };
  if (!hasPvhEntry(elf)) return { why: 'the kernel was built without CONFIG_PVH' };
  return { elf, why: `unpacked from its ${codec.name} payload` };
}

export interface BootKernel {
  /** What QEMU's -kernel gets. */
  readonly path: string;
  readonly pvh: boolean;
  /** How it was obtained, or why the slower bzImage boot is used. */
  readonly note: string;
}

/** A PVH-bootable copy of `image` in `cacheDir` (reused while the image is unchanged), or the image itself. */
export async function pvhKernel(image: string, cacheDir: string): Promise<BootKernel> {
  const st = await stat(image);
  const key = createHash('sha256').update(`${image}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 16);
  const cached = join(cacheDir, `vmlinux-${key}`);
  if (await open(cached).then(async (f) => (await f.close(), true), () => false)) {
    return { path: cached, pvh: true, note: `uncompressed kernel cached in ${cached}` };
  }
  const data = await readFile(image);
  if (hasPvhEntry(data)) return { path: image, pvh: true, note: 'the image is an ELF with a PVH entry' };
  const { elf, why } = await unpackKernel(data);
  if (!elf) return { path: image, pvh: false, note: `booting the compressed image (slower): ${why}` };
  await mkdir(cacheDir, { recursive: true });
  const temp = `${cached}.${process.pid}.tmp`;
  await writeFile(temp, elf);
  await rename(temp, cached);
  return { path: cached, pvh: true, note: `${why} into ${cached}` };
}
