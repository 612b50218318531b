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
