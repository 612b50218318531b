import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { archiveType, compressionOf } from '../../../src/engine/actions/archive.js';
import { pack } from '../../../src/engine/actions/pack.js';
import { unpack } from '../../../src/engine/actions/unpack.js';
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
