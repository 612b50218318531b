// image-partition's command lines, as debos runs them (reference §1), and what it hands on:
// mount order, fstab lines, the kernel root.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskIdArgv, locked, mkfsCommand, mklabelArgv, mountType, partitionArgvs, uuidArgv } from '../../../../src/engine/actions/image/commands.js';
import { fstabLines, kernelRoot, mountOrder } from '../../../../src/engine/actions/image/mounts.js';
import { partitionTable } from '../../../../src/engine/actions/image-partition.js';
import { seededImage } from '../../../../src/engine/actions/image/seeded.js';
import { seededUuid } from '../../../../src/engine/actions/reproducible.js';
import { params } from './check.js';

type Node = Record<string, unknown>;

function table(partitions: Node[], more: Node = {}) {
  return partitionTable(params({ action: 'image-partition', imagename: 'd.img', imagesize: '16GB', partitiontype: 'gpt', partitions, ...more }));
}

const one = (fs: string, more: Node = {}) => table([{ name: 'p', fs, start: '1MiB', end: '100%', ...more }])[0]!;
const mkfs = (fs: string, more: Node = {}) => mkfsCommand(one(fs, more), '/dev/loop7p1');

test('mklabel and the disk id: gpt as written, msdos as 0x…', () => {
  const p = params({ action: 'image-partition', imagename: 'd.img', imagesize: '1GB', partitiontype: 'msdos', diskid: 'deadbeef' });
  assert.deepEqual(mklabelArgv(p, '/dev/loop7'), ['parted', '-s', '/dev/loop7', 'mklabel', 'msdos']);
  assert.deepEqual(diskIdArgv(p, '/dev/loop7'), ['sfdisk', '--disk-id', '/dev/loop7', '0xdeadbeef']);
  const g = params({ action: 'image-partition', imagename: 'd.img', imagesize: '1GB', partitiontype: 'gpt', diskid: '12345678-1234-1234-1234-123456789012', gpt_gap: '1M' });
  assert.deepEqual(mklabelArgv(g, '/dev/vdb'), ['parted', '-s', '/dev/vdb', 'mklabel', 'gpt', '1M']);
  assert.deepEqual(diskIdArgv(g, '/dev/vdb'), ['sfdisk', '--disk-id', '/dev/vdb', '12345678-1234-1234-1234-123456789012']);
  assert.equal(diskIdArgv({ ...g, diskid: undefined }, '/dev/vdb'), undefined);
});

test('mkpart records the filesystem type parted knows, then flags and sfdisk settings', () => {
  const e = one('vfat', { flags: ['boot', 'esp'], parttype: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b', partattrs: ['0', '2', '56'], partuuid: '7BA1B99D-7942-450A-921B-F394A0A065AF' });
  assert.deepEqual(partitionArgvs(e, '/dev/loop7'), [
    ['parted', '-a', 'none', '-s', '--', '/dev/loop7', 'mkpart', 'p', 'fat32', '1MiB', '100%'],
    ['parted', '-s', '/dev/loop7', 'set', '1', 'boot', 'on'],
    ['parted', '-s', '/dev/loop7', 'set', '1', 'esp', 'on'],
    ['sfdisk', '--part-type', '/dev/loop7', '1', 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b'],
    ['sfdisk', '--part-attrs', '/dev/loop7', '1', 'RequiredPartition,LegacyBIOSBootable,56'],
    ['sfdisk', '--part-uuid', '/dev/loop7', '1', '7BA1B99D-7942-450A-921B-F394A0A065AF'],
  ]);
  const mkpartType = (fs: string) => partitionArgvs(one(fs), '/dev/vdb')[0]!.slice(8, -2);
  assert.deepEqual(mkpartType('fat16'), ['fat16']);
  assert.deepEqual(mkpartType('fat12'), ['fat32']);
  assert.deepEqual(mkpartType('hfsplus'), ['hfs+']);
  assert.deepEqual(mkpartType('f2fs'), []);
  assert.deepEqual(mkpartType('none'), []);
  assert.deepEqual(mkpartType('ext4'), ['ext4']);
  assert.deepEqual(mkpartType('btrfs'), ['btrfs']);
});

test('mkfs per filesystem type, with labels, features, options and UUIDs', () => {
  const uuid = '6c9d1418-8fa9-11ee-b4ca-325096b39f47';
  const dev = '/dev/loop7p1';
  assert.deepEqual(mkfs('ext4', { features: ['^metadata_csum', 'quota'], extendedoptions: ['lazy_itable_init=0'], fsuuid: uuid }), {
    argv: ['mkfs.ext4', '-L', 'p', '-O', '^metadata_csum,quota', '-E', 'lazy_itable_init=0', '-U', uuid, dev],
    env: { UNIX_IO_NOZEROOUT: '1' },
  });
  assert.deepEqual(mkfs('ext2', { fslabel: 'boot' }), { argv: ['mkfs.ext2', '-L', 'boot', dev], env: { UNIX_IO_NOZEROOUT: '1' } });
  assert.deepEqual(mkfs('ext3')?.argv, ['mkfs.ext3', '-L', 'p', dev]);
  assert.deepEqual(mkfs('vfat', { fsuuid: 'ABCD1234' })?.argv, ['mkfs.vfat', '-n', 'p', '-F32', '-i', 'ABCD1234', dev]);
  assert.deepEqual(mkfs('fat12')?.argv, ['mkfs.vfat', '-n', 'p', '-F12', dev]);
  assert.deepEqual(mkfs('fat16')?.argv, ['mkfs.vfat', '-n', 'p', '-F16', dev]);
  assert.deepEqual(mkfs('fat32')?.argv, ['mkfs.vfat', '-n', 'p', '-F32', dev]);
  assert.deepEqual(mkfs('msdos')?.argv, ['mkfs.vfat', '-n', 'p', '-F32', dev]);
  assert.deepEqual(mkfs('fat')?.argv, ['mkfs.vfat', '-n', 'p', dev], 'mkfs.vfat chooses the FAT size');
  assert.deepEqual(mkfs('btrfs', { features: ['quota'], fsuuid: uuid }), { argv: ['mkfs.btrfs', '-L', 'p', '-f', '-O', 'quota', '-U', uuid, dev], env: {} });
  assert.deepEqual(mkfs('xfs', { fsuuid: uuid })?.argv, ['mkfs.xfs', '-L', 'p', '-m', `uuid=${uuid}`, dev]);
  assert.deepEqual(mkfs('f2fs', { features: ['encrypt'] })?.argv, ['mkfs.f2fs', '-l', 'p', '-O', 'encrypt', dev]);
  assert.deepEqual(mkfs('hfs')?.argv, ['mkfs.hfs', '-h', '-v', 'p', dev]);
  assert.deepEqual(mkfs('hfsplus')?.argv, ['mkfs.hfsplus', '-v', 'p', dev]);
  assert.deepEqual(mkfs('hfsx')?.argv, ['mkfs.hfsplus', '-s', '-v', 'p', dev]);
  assert.deepEqual(mkfs('exfat')?.argv, ['mkfs.exfat', '-L', 'p', dev]);
  assert.equal(mkfs('none'), undefined);
  assert.deepEqual(uuidArgv(dev), ['blkid', '-o', 'value', '-s', 'UUID', '-p', '-c', 'none', dev]);
  assert.deepEqual(locked('/dev/loop7', ['mount', dev, '/mnt']), ['flock', '/dev/loop7', 'mount', dev, '/mnt']);
  assert.deepEqual(['vfat', 'fat12', 'msdos', 'hfsx', 'ext4'].map(mountType), ['vfat', 'vfat', 'vfat', 'hfsplus', 'ext4']);
});

test('msdos: partitions past the fourth are logical, in an extended partition made in fourth place', () => {
  const parts = ['a', 'b', 'c', 'd', 'e'].map((name, i) => ({ name, fs: 'ext4', start: `${i}G`, end: `${i + 1}G` }));
  const t = table(parts, { partitiontype: 'msdos', imagesize: '5G' });
  assert.deepEqual(t.map((e) => partitionArgvs(e, '/dev/loop7')[0]!.slice(7)), [
    ['primary', 'ext4', '0G', '1G'],
    ['primary', 'ext4', '1G', '2G'],
    ['primary', 'ext4', '2G', '3G'],
    ['extended', '3G', '5G'],
    ['logical', 'ext4', '3G', '4G'],
    ['logical', 'ext4', '4G', '5G'],
  ]);
  assert.equal(mkfsCommand(t[3]!, '/dev/loop7p4'), undefined, 'the extended partition gets no filesystem');
  assert.deepEqual(t.map((e) => e.number), [1, 2, 3, 4, 5, 6]);
});

test('mount order: / first, then by depth, stable; fstab lines and the kernel root', () => {
  const m = (mountpoint: string, more: Node = {}) => ({ mountpoint, partition: 'p', options: [], buildtime: false, ...more });
  assert.deepEqual(mountOrder([m('/boot/efi'), m('/var'), m('/'), m('/boot'), m('/srv/a/b')]).map((x) => x.mountpoint), ['/', '/var', '/boot', '/boot/efi', '/srv/a/b']);
  const parts = table([
    { name: 'efi', fs: 'vfat', start: '1MiB', end: '256MiB' },
    { name: 'root', fs: 'ext4', start: '256MiB', end: '8GiB' },
    { name: 'tmp', fs: 'btrfs', start: '8GiB', end: '100%', fsck: 'false' },
  ]);
  const mounts = [
    { mount: m('/', { partition: 'root' }), partition: parts[1]!, uuid: 'r-uuid' },
    { mount: m('/boot/efi', { partition: 'efi', options: ['umask=0077', 'nofail'] }), partition: parts[0]!, uuid: 'ABCD-1234' },
    { mount: m('/scratch', { partition: 'tmp' }), partition: parts[2]!, uuid: 't-uuid' },
    { mount: m('/mnt/build', { partition: 'tmp', buildtime: true }), partition: parts[2]!, uuid: 't-uuid' },
  ];
  assert.equal(
    fstabLines(mounts),
    'UUID=r-uuid\t/\text4\tdefaults\t0\t1\nUUID=ABCD-1234\t/boot/efi\tvfat\tdefaults,umask=0077,nofail\t0\t2\nUUID=t-uuid\t/scratch\tbtrfs\tdefaults\t0\t0\n',
  );
  assert.equal(kernelRoot(mounts), 'root=UUID=r-uuid');
  assert.equal(kernelRoot(mounts.slice(1)), undefined);
});

test('for reproducible output mke2fs writes the epoch (1 for 0, which it reads as none) and mkfs.vfat nothing random', () => {
  const ext = mkfsCommand(one('ext4'), '/dev/loop7p1', 1700000000)!;
  assert.deepEqual(ext.env, { UNIX_IO_NOZEROOUT: '1', E2FSPROGS_FAKE_TIME: '1700000000' });
  assert.equal(mkfsCommand(one('ext4'), '/dev/loop7p1', 0)!.env.E2FSPROGS_FAKE_TIME, '1');
  assert.deepEqual(mkfs('ext4')!.env, { UNIX_IO_NOZEROOUT: '1' });
  assert.deepEqual(mkfsCommand(one('vfat', { fsuuid: '1234abcd' }), '/dev/loop7p1', 5)!.argv, ['mkfs.vfat', '-n', 'p', '-F32', '-i', '1234abcd', '--invariant', '/dev/loop7p1']);
  assert.deepEqual(mkfsCommand(one('xfs'), '/dev/loop7p1', 5)!.env, {});
});

test('seeded identifiers fill what the recipe leaves out, from the epoch and the names', () => {
  const p = params({
    action: 'image-partition', imagename: 'd.img', imagesize: '1GB', partitiontype: 'gpt',
    partitions: [
      { name: 'efi', fs: 'vfat', start: '1MiB', end: '64MiB' },
      { name: 'root', fs: 'ext4', start: '64MiB', end: '90%', extendedoptions: ['lazy_itable_init=0'] },
      { name: 'data', fs: 'ext4', start: '90%', end: '100%', fsuuid: 'b1c2d3e4-0000-4000-8000-000000000000', partuuid: 'a1c2d3e4-0000-4000-8000-000000000000', extendedoptions: ['hash_seed=S'] },
      { name: 'raw', fs: 'none', start: '100%', end: '100%' },
    ],
  });
  const s = seededImage(p, 1700000000);
  assert.deepEqual(seededImage(p, 1700000000), s, 'the same seed gives the same identifiers');
  assert.match(s.diskid!, /^[0-9a-f-]{36}$/);
  const [efi, root, data, raw] = s.partitions;
  assert.match(efi!.fsuuid!, /^[0-9a-f]{8}$/, 'a FAT volume id');
  assert.match(root!.fsuuid!, /^[0-9a-f-]{36}$/);
  assert.notEqual(efi!.partuuid, root!.partuuid);
  assert.deepEqual(root!.extendedoptions, ['lazy_itable_init=0', `hash_seed=${seededUuid(1700000000, 'd.img', 'root', 'hash_seed')}`]);
  assert.deepEqual([data!.fsuuid, data!.partuuid, data!.extendedoptions], ['b1c2d3e4-0000-4000-8000-000000000000', 'a1c2d3e4-0000-4000-8000-000000000000', ['hash_seed=S']], "the recipe's own are kept");
  assert.equal(raw!.fsuuid, undefined, 'no file system, no UUID');
  assert.notEqual(seededImage(p, 1700000001).diskid, s.diskid);
  const msdos = seededImage(params({ action: 'image-partition', imagename: 'd.img', imagesize: '1GB', partitiontype: 'msdos', partitions: [{ name: 'root', fs: 'ext4', start: '1MiB', end: '100%' }] }), 0);
  assert.match(msdos.diskid!, /^[0-9a-f]{8}$/);
  assert.equal(msdos.partitions[0]!.partuuid, undefined, 'msdos has no partition UUIDs to set');
});
