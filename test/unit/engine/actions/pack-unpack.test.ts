import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { archiveType, compressionOf } from '../../../../src/engine/actions/archive.js';
import { pack } from '../../../../src/engine/actions/pack.js';
import { unpack } from '../../../../src/engine/actions/unpack.js';
import { errors, files, params } from './check.js';
import { runAction, tempDir } from './run-action.js';

test('pack takes the compressions tar knows, auto and none', () => {
  for (const c of ['bzip2', 'gz', 'lzip', 'lzma', 'lzop', 'xz', 'zstd', 'auto', 'none']) {
    assert.equal(params({ action: 'pack', file: 'r.tar', compression: c }).compression, c);
  }
  assert.deepEqual(errors({ action: 'pack', file: 'r.tar', compression: 'zip' }), [
    'compression: "compression" in pack action: expected one of bzip2, gz, lzip, lzma, lzop, xz, zstd, auto, none, got "zip"',
  ]);
  assert.deepEqual(errors({ action: 'pack' }), ['file: missing required property "file" in pack action']);
});

test('unpack needs a file or an origin', () => {
  assert.deepEqual(errors({ action: 'unpack' }), ["unpack action: one of 'file' or 'origin' is required"]);
  assert.equal(params({ action: 'unpack', origin: 'fw' }, { downloads: ['fw'] }).origin, 'fw');
});

test('unpack compression is for tar archives only, and one tar knows', () => {
  assert.deepEqual(errors({ action: 'unpack', file: 'a.zip', compression: 'gz' }), [
    "compression: unpack action: 'compression' is supported for tar archives only",
  ]);
  assert.deepEqual(errors({ action: 'unpack', file: 'a.tar', compression: 'auto' }), [
    'compression: "compression" in unpack action: expected one of bzip2, gz, lzip, lzma, lzop, xz, zstd, got "auto"',
  ]);
  assert.equal(params({ action: 'unpack', file: 'a.tar.xz', compression: 'xz' }).compression, 'xz');
});

test('auto compression by suffix, as tar reads it', () => {
  assert.deepEqual(['a.tar.gz', 'a.tgz', 'a.tar.bz2', 'a.tar.xz', 'a.tar.zst', 'a.tar.lz', 'a.tar.lzma', 'a.tar.lzo', 'a.tar'].map(compressionOf), ['gz', 'gz', 'bzip2', 'xz', 'zstd', 'lzip', 'lzma', 'lzop', 'none']);
});

test('archive types by extension', () => {
  assert.equal(archiveType('a.deb'), 'deb');
  assert.equal(archiveType('A.ZIP'), 'zip');
  assert.equal(archiveType('a.tar.gz'), 'tar');
  assert.equal(archiveType('a'), 'tar');
});

test('unpack checks the file only with origin recipe', () => {
  assert.deepEqual(files({ action: 'unpack', origin: 'recipe', file: 'base.tar.gz' }), ['file /recipes/base.tar.gz file']);
  assert.deepEqual(files({ action: 'unpack', file: 'base.tar.gz' }), []);
});

test('in a VM pack writes a plain tar in large records and compresses it outside the VM', async (t) => {
  const dir = await tempDir(t);
  const host = await runAction(dir, pack, params({ action: 'pack', file: 'out.tar.xz', compression: 'auto' }), { offload: false });
  assert.deepEqual(host.outside, []);
  assert.ok(host.inMachine[0]!.includes('--auto-compress'), 'on the host backend tar compresses');
  const vm = await runAction(dir, pack, params({ action: 'pack', file: 'out.tar.xz', compression: 'auto' }), { offload: true });
  const tar = vm.inMachine[0]!;
  assert.ok(tar.includes('--blocking-factor=2048') && !tar.some((a) => /compress|^--(gzip|xz)/.test(a)));
  const raw = tar[tar.indexOf('cf') + 1]!;
  assert.ok(raw.startsWith(vm.scratch));
  assert.deepEqual(vm.outside, [['sh', '-c', 'xz -T0 -c < "$1" > "$2"', 'sh', raw, join(dir, 'out.tar.xz')]]);
  const none = await runAction(dir, pack, params({ action: 'pack', file: 'out.tar', compression: 'none' }), { offload: true });
  assert.deepEqual(none.outside, [], 'nothing to compress: tar writes the artifact');
});

test('in a VM a compressed archive is decompressed outside it, told by its first bytes', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'base.tar.gz'), gzipSync(Buffer.alloc(1024)));
  await writeFile(join(dir, 'plain.tar.gz'), Buffer.alloc(1024));
  const gz = await runAction(dir, unpack, params({ action: 'unpack', origin: 'recipe', file: 'base.tar.gz' }), { offload: true });
  assert.equal(gz.outside.length, 1);
  assert.match(gz.outside[0]![2]!, /^(pigz|gzip) -dc < "\$1" > "\$2"$/);
  assert.equal(gz.inMachine[0]!.at(-1), gz.outside[0]!.at(-1), 'the VM reads what was decompressed');
  const plain = await runAction(dir, unpack, params({ action: 'unpack', origin: 'recipe', file: 'plain.tar.gz' }), { offload: true });
  assert.deepEqual(plain.outside, [], 'a name is not a format: not gzip, so tar reads it as it is');
  assert.equal(plain.inMachine[0]!.at(-1), join(dir, 'plain.tar.gz'));
});

test('gzip leaves out the time on both paths: the same tar gives the same .tar.gz', async (t) => {
  const dir = await tempDir(t);
  const host = await runAction(dir, pack, params({ action: 'pack', file: 'out.tar.gz' }), { offload: false });
  assert.ok(host.inMachine[0]!.some((a) => /^--use-compress-program=(pigz|gzip) -n$/.test(a)));
  const vm = await runAction(dir, pack, params({ action: 'pack', file: 'out.tar.gz' }), { offload: true });
  assert.match(vm.outside[0]![2]!, /^(pigz|gzip) -n -c < /);
});

test('for reproducible output pack removes the build noise, then tars sorted, clamped, numeric members on both paths', async (t) => {
  const dir = await tempDir(t);
  const reproducible = ['--sort=name', '--mtime=@1700000000', '--clamp-mtime', '--numeric-owner', '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime'];
  for (const offload of [false, true]) {
    const r = await runAction(dir, pack, params({ action: 'pack', file: 'out.tar.zst' }), { offload, epoch: 1700000000 });
    assert.equal(r.inMachine.length, 2);
    assert.deepEqual(r.inMachine[0]!.slice(0, 2), ['sh', '-ec'], 'the noise goes first');
    assert.ok(r.inMachine[0]!.includes('/fake-root/var/log/apt'), 'directories are resolved in the root');
    const tar = r.inMachine[1]!;
    assert.deepEqual(tar.slice(tar.indexOf('--xattrs-include=*.*') + 1, tar.indexOf('--xattrs-include=*.*') + 6), reproducible);
    assert.deepEqual(r.effect, { opaque: 'for reproducible output it removes build noise from the root' }, 'what it removes is not in a layer');
  }
  const sub = await runAction(dir, pack, params({ action: 'pack', file: 'boot.tar', subdir: '/boot', compression: 'none' }), { offload: false, epoch: 5, rootFiles: ['/boot/vmlinuz'] });
  assert.equal(sub.inMachine.length, 1, 'a subdirectory is packed as it is');
  assert.ok(sub.inMachine[0]!.includes('--mtime=@5'));
  assert.deepEqual(sub.effect, { leavesRoot: true, artifacts: [] }, 'its tarball is the artifact every action with one gets recorded (run/runnable.ts)');
  const plain = await runAction(dir, pack, params({ action: 'pack', file: 'out.tar' }), { offload: false });
  assert.ok(!plain.inMachine[0]!.includes('--sort=name'), 'without an epoch the archive is as debos makes it');
});
