// How much space a tar archive takes unpacked, read from its headers (plain or gzip'd; other
// compressions need their tools and give undefined): for telling a full disk's shortfall.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

const BLOCK = 4096;

/** A header's size field: octal text, or base-256 when its first byte has the high bit. */
function headerSize(h: Buffer): number {
  if (h[124]! & 0x80) return h.subarray(125, 136).reduce((n, b) => n * 256 + b, 0);
  return parseInt(h.subarray(124, 136).toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
}

/** The bytes the members of the tar at `file` take on a filesystem of 4 KiB blocks, about. */
export async function tarUnpackedSize(file: string): Promise<number | undefined> {
  const head = Buffer.alloc(2);
  const f = await open(file, 'r');
  try {
    await f.read(head, 0, 2, 0);
  } finally {
    await f.close();
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  let stream: NodeJS.ReadableStream = createReadStream(file);
  if (gzip) stream = stream.pipe(createGunzip());
  let total = 0;
  let skip = 0; // data bytes of the current member still to pass
  let pending = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (true) {
      if (skip) {
        const n = Math.min(skip, buf.length);
        skip -= n;
        buf = buf.subarray(n);
        if (skip) break;
      }
      if (buf.length < 512) break;
      const header = buf.subarray(0, 512);
      buf = buf.subarray(512);
      if (header.every((b) => b === 0)) continue;
      if (header.subarray(257, 262).toString('latin1') !== 'ustar' && !/^[0-7 \0]+$/.test(header.subarray(124, 136).toString('latin1'))) {
        return undefined; // not a tar (another compression)
      }
      const size = headerSize(header);
      const type = String.fromCharCode(header[156]!);
      // Files and directories take blocks; long names and pax headers take none.
      if (type === '0' || type === '\0' || type === '7') total += Math.ceil(size / BLOCK) * BLOCK || BLOCK;
      else if (type === '5' || type === '2') total += BLOCK;
      skip = Math.ceil(size / 512) * 512;
    }
    pending = Buffer.from(buf);
  }
  return total;
}
