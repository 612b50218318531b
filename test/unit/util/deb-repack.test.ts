import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAr, uncompressDeb, uncompressedDeb, writeAr } from '../../../src/util/deb-repack.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-repack-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A small package built by dpkg-deb with `compression` (-Z). */
async function buildDeb(dir: string, compression: string): Promise<string> {
  const tree = join(dir, `pkg-${compression}`);
  await mkdir(join(tree, 'DEBIAN'), { recursive: true });
  await mkdir(join(tree, 'usr/share/doc/demo'), { recursive: true });
  await writeFile(join(tree, 'DEBIAN/control'), 'Package: demo\nVersion: 1.0\nArchitecture: all\nMaintainer: nobody <nobody@example.invalid>\nDescription: demo\n');
  await writeFile(join(tree, 'DEBIAN/postinst'), '#!/bin/sh\necho configured\n', { mode: 0o755 });
  await writeFile(join(tree, 'usr/share/doc/demo/README'), 'x'.repeat(10001));
  const deb = join(dir, `demo-${compression}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', `-Z${compression}`, '--build', tree, deb], { stdio: 'ignore' });
  return deb;
}

const dpkgDeb = (...args: string[]) => execFileSync('dpkg-deb', args, { encoding: 'utf8' });

for (const compression of ['xz', 'gzip', 'zstd']) {
  test(`a .deb with a ${compression} data.tar gets a plain one that dpkg-deb reads the same`, async (t) => {
    const dir = await tempDir(t);
    const deb = await buildDeb(dir, compression);
    const plain = join(dir, 'plain.deb');
    await writeFile(plain, await uncompressDeb(await readFile(deb)));
    const names = readAr(await readFile(plain)).map((m) => m.name);
    assert.deepEqual(names.slice(0, 1), ['debian-binary']);
    assert.ok(names.includes('data.tar'), `members: ${names.join(' ')}`);
    assert.deepEqual(names.filter((n) => n.startsWith('control')), readAr(await readFile(deb)).map((m) => m.name).filter((n) => n.startsWith('control')), 'the control member as it was');
    assert.equal(dpkgDeb('--contents', plain), dpkgDeb('--contents', deb));
    assert.equal(dpkgDeb('--info', plain, 'control'), dpkgDeb('--info', deb, 'control'));
    assert.equal(dpkgDeb('--info', plain, 'postinst'), dpkgDeb('--info', deb, 'postinst'));
  });
}

test('an already plain data.tar is left alone', async (t) => {
  const dir = await tempDir(t);
  const deb = await readFile(await buildDeb(dir, 'none'));
  assert.equal(await uncompressDeb(deb), deb);
});

test('ar members round-trip, odd sizes padded', () => {
  const members = [
    { name: 'debian-binary', data: Buffer.from('2.0\n'), mtime: '0', uid: '0', gid: '0', mode: '100644' },
    { name: 'odd', data: Buffer.from('abc'), mtime: '1', uid: '0', gid: '0', mode: '100644' },
    { name: 'last', data: Buffer.from('z'), mtime: '2', uid: '0', gid: '0', mode: '100644' },
  ];
  const archive = writeAr(members);
  assert.equal(archive.length % 2, 0);
  assert.deepEqual(readAr(archive).map((m) => [m.name, m.data.toString(), m.mtime]), members.map((m) => [m.name, m.data.toString(), m.mtime]));
  assert.throws(() => readAr(Buffer.from('not an archive')), /not an ar archive/);
});

test('what is not a package is refused', async () => {
  const noData = writeAr([{ name: 'debian-binary', data: Buffer.from('2.0\n'), mtime: '0', uid: '0', gid: '0', mode: '100644' }]);
  await assert.rejects(uncompressDeb(noData), /no data\.tar/);
});

test('the plain package is made once and kept by the original\'s hash', async (t) => {
  const dir = await tempDir(t);
  const deb = await buildDeb(dir, 'xz');
  const cache = join(dir, 'cache');
  const first = await uncompressedDeb(deb, cache);
  assert.match(first, /\/cache\/[0-9a-f]{64}\.deb$/);
  await writeFile(first, 'kept');
  assert.equal(await uncompressedDeb(deb, cache), first, 'the same path');
  assert.equal(await readFile(first, 'utf8'), 'kept', 'not made again');
});
