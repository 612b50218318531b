import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { fileDigest, forgetDigests, rememberDigestsIn } from '../../../../src/engine/cache/file-digest.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const MiB = 1 << 20;

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-digest-'));
  t.after(async () => {
    forgetDigests();
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Put a false digest in the memo for `path`, and read the memo again. */
async function plant(memo: string, path: string): Promise<void> {
  const entries = JSON.parse(await readFile(memo, 'utf8')) as Record<string, { stamp: string; sha256: string }>;
  entries[path] = { ...entries[path]!, sha256: 'planted' };
  await writeFile(memo, JSON.stringify(entries));
  forgetDigests();
  rememberDigestsIn(memo, 0);
}

test('a large file unchanged since it was hashed is answered from the memo, and hashed again once written', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'base.tar.gz');
  const memo = join(dir, 'file-digests.json');
  const data = Buffer.alloc(2 * MiB, 7);
  await writeFile(file, data);
  await sleep(20);
  rememberDigestsIn(memo, 0);
  assert.equal(await fileDigest(file), sha256(data));
  await plant(memo, file);
  assert.equal(await fileDigest(file), 'planted', 'the memo answers for an unchanged file');

  // Same size, other bytes: the write moves ctime.
  const other = Buffer.alloc(2 * MiB, 8);
  await writeFile(file, other);
  assert.equal(await fileDigest(file), sha256(other));
});

test('small files, files written just before they were hashed, and builds without the cache are always hashed', async (t) => {
  const dir = await tempDir(t);
  const memo = join(dir, 'file-digests.json');
  const small = join(dir, 'small');
  await writeFile(small, 'a few bytes');
  await sleep(20);
  rememberDigestsIn(memo, 0);
  await fileDigest(small);
  await assert.rejects(readFile(memo), 'nothing remembered for a small file');

  // The default: a file whose ctime is recent may still change within the clock's tick.
  const fresh = join(dir, 'fresh');
  await writeFile(fresh, Buffer.alloc(2 * MiB, 1));
  forgetDigests();
  rememberDigestsIn(memo);
  await fileDigest(fresh);
  await assert.rejects(readFile(memo), 'nothing remembered for a file written just now');

  rememberDigestsIn(memo, 0);
  await fileDigest(fresh);
  await plant(memo, fresh);
  forgetDigests();
  await appendFile(fresh, '');
  assert.equal(await fileDigest(fresh), sha256(Buffer.alloc(2 * MiB, 1)), 'without a memo (--no-cache) every file is hashed');
});
