// A writer for the "newc" cpio format the kernel unpacks as its initramfs. Entries are
// written in the order given; parent directories are added on first use, so the kernel
// never meets a file whose directory does not exist yet. Times and owners are zero: the
// same inputs give the same bytes.
import { posix } from 'node:path';

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const TRAILER = 'TRAILER!!!';

const pad4 = (n: number) => (4 - (n % 4)) % 4;

export class CpioWriter {
  private readonly chunks: Buffer[] = [];
  private readonly seen = new Set<string>(['.']);
  private ino = 1;
  private length = 0;

  /** A directory (and any missing parents). */
  dir(path: string, mode = 0o755): this {
    const name = this.name(path);
    if (this.seen.has(name)) return this;
    this.parents(name);
    this.entry(name, S_IFDIR | mode, Buffer.alloc(0));
    return this;
  }

  file(path: string, data: string | Uint8Array, mode = 0o644): this {
    const name = this.name(path);
    this.parents(name);
    this.entry(name, S_IFREG | mode, Buffer.from(data));
    return this;
  }

  symlink(path: string, target: string): this {
    const name = this.name(path);
    this.parents(name);
    this.entry(name, S_IFLNK | 0o777, Buffer.from(target));
    return this;
  }

  /** A character device node (the kernel needs /dev/console before devtmpfs is mounted). */
  charDevice(path: string, major: number, minor: number, mode = 0o600): this {
    const name = this.name(path);
    this.parents(name);
    this.entry(name, S_IFCHR | mode, Buffer.alloc(0), major, minor);
    return this;
  }

  /** The archive, ended by the trailer and padded to a 512-byte block. */
  finish(): Buffer {
    this.entry(TRAILER, 0, Buffer.alloc(0), 0, 0, 0);
    const tail = (512 - (this.length % 512)) % 512;
    return Buffer.concat([...this.chunks, Buffer.alloc(tail)]);
  }

  private name(path: string): string {
    const name = posix.normalize(path).replace(/^\/+/, '').replace(/\/+$/, '');
    if (name === '' || name === '.' || name.startsWith('..')) throw new Error(`bad cpio path ${path}`);
    return name;
  }

  private parents(name: string): void {
    this.seen.add(name);
    const parent = posix.dirname(name);
    if (!this.seen.has(parent)) this.dir(parent);
  }

  private entry(name: string, mode: number, data: Buffer, rdevMajor = 0, rdevMinor = 0, ino = this.ino++): void {
    const nameBytes = Buffer.from(`${name}\0`);
    const fields = [ino, mode, 0, 0, (mode & 0o170000) === S_IFDIR ? 2 : 1, 0, data.length, 0, 0, rdevMajor, rdevMinor, nameBytes.length, 0];
    const header = Buffer.from('070701' + fields.map((f) => (f >>> 0).toString(16).padStart(8, '0')).join(''), 'latin1');
    const headed = header.length + nameBytes.length;
    this.push(header, nameBytes, Buffer.alloc(pad4(headed)), data, Buffer.alloc(pad4(data.length)));
  }

  private push(...parts: Buffer[]): void {
    for (const p of parts) {
      this.chunks.push(p);
      this.length += p.length;
    }
  }
}
