import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createExt4Image } from '../../../src/vm/qemu/disk-image.js';
import { ext4Uuid, StoreList } from '../../../src/vm/qemu/store-list.js';

test("the store's list follows seals and removals, and only for the disk it was made for", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-store-list-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const image = join(dir, 'store.img');
  await createExt4Image(image, 32 * 2 ** 20, 'debstep-store');
  const uuid = await ext4Uuid(image);
  assert.match(uuid ?? '', /^[0-9a-f]{32}$/);

  const list = new StoreList(image);
  assert.equal(await list.read(), undefined, 'no list yet: what the disk holds is unknown');
  await list.add('a');
  assert.equal(await list.read(), undefined, 'a seal does not make a list out of nothing');
  await list.replace([{ id: 'a', mtimeMs: 1 }, { id: 'b', mtimeMs: 2 }]);
  await list.add('c');
  await list.remove(['a']);
  assert.deepEqual((await list.read())?.map((l) => l.id), ['b', 'c']);

  // The disk made anew (another file system): the list says nothing about it.
  await rm(image);
  await createExt4Image(image, 32 * 2 ** 20, 'debstep-store');
  assert.notEqual(await ext4Uuid(image), uuid);
  assert.equal(await list.read(), undefined);
  await rm(image);
  assert.equal(await list.read(), undefined, 'nor about a disk that is gone');
});

test('ext4Uuid: undefined for what is not an ext4 file system', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-store-list-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'zeros'), Buffer.alloc(4096));
  await writeFile(join(dir, 'short'), 'x');
  assert.equal(await ext4Uuid(join(dir, 'zeros')), undefined);
  assert.equal(await ext4Uuid(join(dir, 'short')), undefined);
  assert.equal(await ext4Uuid(join(dir, 'missing')), undefined);
});
