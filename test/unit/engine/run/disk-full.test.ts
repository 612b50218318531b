import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../../../../src/core/errors.js';
import { asDiskFull, DiskFullError, formatBytes, isDiskFull } from '../../../../src/engine/run/disk-full.js';
import { settle, writeWhole } from '../../../../src/util/write-whole.js';
import { tarUnpackedSize } from '../../../../src/util/tar-size.js';

const run = promisify(execFile);

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
const tarFull = () => new CommandError('unpack: command failed with exit status 2', ['tar'], 2, null, ['tar: ./usr/bin/x: Cannot write: No space left on device']);

test('a full disk is told from ENOSPC, from a command that said so, and through causes', () => {
  assert.ok(isDiskFull(enospc()));
  assert.ok(isDiskFull(tarFull()));
  assert.ok(isDiskFull(new Error('wrapped', { cause: enospc() })));
  assert.ok(!isDiskFull(new CommandError('failed', ['tar'], 2, null, ['tar: x: Cannot open: No such file or directory'])));
  assert.ok(!isDiskFull(new Error('EACCES')));
});

test('asDiskFull names the filesystem with the least space, what it holds, and what was needed', async () => {
  const err = await asDiskFull(tarFull(), [tmpdir(), '/no/such/dir/below/root'], async () => 189_000_000);
  assert.ok(err instanceof DiskFullError);
  assert.match(err.message, /^no space left on \/\S* \(\S+ \S+ free of \S+ \S+\): it needs about 189 MB$/);
  assert.match(err.hint ?? '', /free space on \//);
  const other = new Error('EACCES');
  assert.equal(await asDiskFull(other, [tmpdir()]), other, 'other errors come back as they were');
});

test('sizes read as df -H shows them', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1_500_000), '1.5 MB');
  assert.equal(formatBytes(157_286_400), '157 MB');
});

test('writeWhole replaces a file whole; a failed write leaves the old file and nothing beside it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-whole-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'index.json');
  await writeWhole(file, 'old');
  await writeWhole(file, 'new');
  assert.equal(await readFile(file, 'utf8'), 'new');
  await assert.rejects(
    settle(file, async (partial) => {
      await writeFile(partial, 'half');
      throw enospc();
    }),
    /ENOSPC/,
  );
  assert.equal(await readFile(file, 'utf8'), 'new');
  assert.deepEqual(await readdir(dir), ['index.json']);
});

test('tarUnpackedSize reads the space a plain or gzip tar takes unpacked from its headers', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-tarsize-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'tree', 'sub'), { recursive: true });
  await writeFile(join(dir, 'tree', 'sub', 'big'), Buffer.alloc(10_000, 1));
  await writeFile(join(dir, 'tree', 'empty'), '');
  await run('tar', ['-C', join(dir, 'tree'), '-cf', join(dir, 'a.tar'), '.']);
  await run('tar', ['-C', join(dir, 'tree'), '-czf', join(dir, 'a.tar.gz'), '.']);
  // Three directories and an empty file take a block each; 10000 bytes take three.
  assert.equal(await tarUnpackedSize(join(dir, 'a.tar')), 6 * 4096);
  assert.equal(await tarUnpackedSize(join(dir, 'a.tar.gz')), 6 * 4096);
  await writeFile(join(dir, 'not.tar'), Buffer.alloc(4096, 0x41));
  assert.equal(await tarUnpackedSize(join(dir, 'not.tar')), undefined);
});
