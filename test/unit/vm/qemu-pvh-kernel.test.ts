import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseKernel } from '../../../src/vm/qemu/kernel.js';
import { bzImagePayload, hasPvhEntry, pvhKernel } from '../../../src/vm/qemu/pvh-kernel.js';

const kernel = await chooseKernel({}).catch(() => undefined);
const skip = kernel ? false : 'no kernel installed (apt-get install linux-image-amd64)';

test("the installed kernel unpacks to an ELF with a PVH entry, cached and reused", { skip }, async (t) => {
  const cache = await mkdtemp(join(tmpdir(), 'debstep-pvh-test-'));
  t.after(() => rm(cache, { recursive: true, force: true }));
  const image = await readFile(kernel!.image);
  assert.ok(bzImagePayload(image), 'a bzImage with a payload');
  assert.equal(hasPvhEntry(image), false, 'the bzImage itself is not an ELF');
  const first = await pvhKernel(kernel!.image, cache);
  assert.equal(first.pvh, true, first.note);
  assert.ok(first.path.startsWith(cache));
  const elf = await readFile(first.path);
  assert.ok(hasPvhEntry(elf));
  assert.ok(elf.length > image.length, 'uncompressed');
  const mtime = (await stat(first.path)).mtimeMs;
  const second = await pvhKernel(kernel!.image, cache);
  assert.equal(second.path, first.path);
  assert.match(second.note, /cached/);
  assert.equal((await stat(second.path)).mtimeMs, mtime, 'not unpacked again');
});

test('an image that is neither falls back to booting it as it is, saying why', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-pvh-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'odd'), Buffer.alloc(4096, 1));
  const r = await pvhKernel(join(dir, 'odd'), join(dir, 'cache'));
  assert.deepEqual([r.path, r.pvh], [join(dir, 'odd'), false]);
  assert.match(r.note, /neither a bzImage nor an ELF/);
});

test('an ELF without the PVH note is not taken for one', () => {
  const elf = Buffer.alloc(128);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2;
  assert.equal(hasPvhEntry(elf), false);
  assert.equal(hasPvhEntry(Buffer.from('short')), false);
});

/** A 64-bit ELF whose one program header is a PT_NOTE holding the PVH entry note. */
function pvhElf(): Buffer {
  const elf = Buffer.alloc(64 + 56 + 20 + 4096);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2;
  elf.writeBigUInt64LE(64n, 32); // e_phoff
  elf.writeUInt16LE(56, 54); // e_phentsize
  elf.writeUInt16LE(1, 56); // e_phnum
  elf.writeUInt32LE(4, 64); // PT_NOTE
  elf.writeBigUInt64LE(120n, 64 + 8); // p_offset
  elf.writeBigUInt64LE(20n, 64 + 32); // p_filesz
  elf.writeUInt32LE(4, 120); // namesz
  elf.writeUInt32LE(4, 124); // descsz
  elf.writeUInt32LE(18, 128); // XEN_ELFNOTE_PHYS32_ENTRY
  elf.write('Xen\0', 132, 'latin1');
  return elf;
}

/** A bzImage (boot protocol 2.08) whose payload is `payload`, with the uncompressed size appended as Linux does. */
function bzImage(payload: Buffer, size: number): Buffer {
  const setup = Buffer.alloc(2 * 512);
  setup[0x1f1] = 1;
  setup.write('HdrS', 0x202, 'latin1');
  setup.writeUInt16LE(0x20f, 0x206);
  setup.writeUInt32LE(0, 0x248);
  const sized = Buffer.concat([payload, Buffer.alloc(4)]);
  sized.writeUInt32LE(size, payload.length);
  setup.writeUInt32LE(sized.length, 0x24c);
  return Buffer.concat([setup, sized]);
}

test('a zstd payload (Debian 13 kernels) unpacks despite the size Linux appends to it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-pvh-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const elf = pvhElf();
  await writeFile(join(dir, 'elf'), elf);
  const { execFile } = await import('node:child_process');
  await new Promise<void>((done, fail) => execFile('zstd', ['-q', '-19', join(dir, 'elf'), '-o', join(dir, 'elf.zst')], (err) => (err ? fail(err) : done())));
  await writeFile(join(dir, 'vmlinuz'), bzImage(await readFile(join(dir, 'elf.zst')), elf.length));
  const r = await pvhKernel(join(dir, 'vmlinuz'), join(dir, 'cache'));
  assert.equal(r.pvh, true, r.note);
  assert.match(r.note, /^unpacked from its zstd payload/);
  assert.deepEqual(await readFile(r.path), elf);
});
