import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CpioWriter } from '../../../src/vm/qemu/cpio.js';

interface Entry {
  name: string;
  mode: number;
  nlink: number;
  rdevMajor: number;
  rdevMinor: number;
  data: Buffer;
}

/** A newc reader, independent of the writer: the fields as the kernel reads them. */
function readNewc(archive: Buffer): Entry[] {
  const out: Entry[] = [];
  let at = 0;
  for (;;) {
    assert.equal(archive.toString('latin1', at, at + 6), '070701', `magic at ${at}`);
    const field = (i: number) => parseInt(archive.toString('latin1', at + 6 + i * 8, at + 14 + i * 8), 16);
    const namesize = field(11);
    const filesize = field(6);
    const name = archive.toString('utf8', at + 110, at + 110 + namesize - 1);
    const dataAt = at + 110 + namesize + ((4 - ((110 + namesize) % 4)) % 4);
    const entry = { name, mode: field(1), nlink: field(4), rdevMajor: field(9), rdevMinor: field(10), data: archive.subarray(dataAt, dataAt + filesize) };
    at = dataAt + filesize + ((4 - (filesize % 4)) % 4);
    if (name === 'TRAILER!!!') return out;
    out.push(entry);
  }
}

const build = () =>
  new CpioWriter()
    .charDevice('/dev/console', 5, 1)
    .file('/.debstep/modules/virtio.ko', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]))
    .file('/init', '#!/bin/sh\necho hi\n', 0o755)
    .symlink('/bin', 'usr/bin')
    .dir('/tmp', 0o1777)
    .finish();

test('entries come out as written, parents first, with types, modes and device numbers', () => {
  const entries = readNewc(build());
  assert.deepEqual(entries.map((e) => e.name), ['dev', 'dev/console', '.debstep', '.debstep/modules', '.debstep/modules/virtio.ko', 'init', 'bin', 'tmp']);
  const by = (n: string) => entries.find((e) => e.name === n)!;
  assert.equal(by('dev/console').mode, 0o020600);
  assert.deepEqual([by('dev/console').rdevMajor, by('dev/console').rdevMinor], [5, 1]);
  assert.equal(by('init').mode, 0o100755);
  assert.equal(by('init').data.toString(), '#!/bin/sh\necho hi\n');
  assert.equal(by('bin').mode, 0o120777);
  assert.equal(by('bin').data.toString(), 'usr/bin');
  assert.equal(by('tmp').mode, 0o041777);
  assert.equal(by('tmp').nlink, 2);
  assert.equal(by('.debstep/modules/virtio.ko').data.length, 7);
});

test('the archive ends with the trailer in whole 512-byte blocks, the same bytes every time', () => {
  const a = build();
  assert.equal(a.length % 512, 0);
  assert.ok(a.includes('TRAILER!!!'));
  assert.deepEqual(build(), a);
});

test('busybox cpio unpacks it to the same files', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-cpio-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const data = Buffer.alloc(70001, 0xab);
  const archive = new CpioWriter().file('/a/b/c.bin', data, 0o640).file('/odd name', 'x').symlink('/a/link', '/a/b/c.bin').finish();
  await writeFile(join(dir, 'x.cpio'), archive);
  execFileSync('busybox', ['cpio', '-i', '-d', '-F', join(dir, 'x.cpio')], { cwd: dir, stdio: 'pipe' });
  assert.deepEqual(await readFile(join(dir, 'a/b/c.bin')), data);
  assert.equal((await lstat(join(dir, 'a/b/c.bin'))).mode & 0o777, 0o640);
  assert.equal(await readFile(join(dir, 'odd name'), 'utf8'), 'x');
  assert.equal(await readlink(join(dir, 'a/link')), '/a/b/c.bin');
});

test('paths that leave the archive are refused', () => {
  assert.throws(() => new CpioWriter().file('../etc/passwd', 'x'), /bad cpio path/);
  assert.throws(() => new CpioWriter().dir('/'), /bad cpio path/);
});
