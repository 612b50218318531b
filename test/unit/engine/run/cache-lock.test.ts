import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitForLock } from '../../../../src/engine/run/cache-lock.js';

test('a cache another live process holds is waited for, said once, and taken when that process is gone', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const lock = join(dir, 'amd64.lock');
  const other = spawn('sleep', ['30']);
  t.after(() => void other.kill());
  await writeFile(lock, `${other.pid}\n`);
  const told: number[] = [];
  const taking = waitForLock(lock, (pid) => told.push(pid));
  await new Promise((r) => setTimeout(r, 1200));
  assert.deepEqual(told, [other.pid], 'said once, with the holder');
  other.kill();
  const held = await taking;
  assert.equal((await readFile(lock, 'utf8')).trim(), String(process.pid));
  await held.release();
  assert.deepEqual(told, [other.pid]);
});

test('a free cache is taken at once; one this process holds is not waited for', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const lock = join(dir, 'amd64.lock');
  const first = await waitForLock(lock, (pid) => assert.fail(`waited for ${pid}`));
  const again = await waitForLock(lock, (pid) => assert.fail(`waited for ${pid}`));
  await again.release();
  await first.release();
});

test('waiting stops when the build is stopped', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const other = spawn('sleep', ['30']);
  t.after(() => void other.kill());
  await writeFile(join(dir, 'l'), `${other.pid}\n`);
  await assert.rejects(waitForLock(join(dir, 'l'), () => {}, AbortSignal.timeout(300)), /TimeoutError|aborted/);
});
