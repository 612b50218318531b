import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partitionTable } from '../../../../src/engine/actions/image-partition.js';
import { partedPlace } from '../../../../src/engine/actions/image/table.js';
import { errors, params, warnings } from './check.js';

type Node = Record<string, unknown>;

const part = (name: string, more: Node = {}): Node => ({ name, fs: 'ext4', start: '0%', end: '100%', ...more });

function image(more: Node = {}): Node & { action: 'image-partition' } {
  return { imagename: 'disk.img', imagesize: '4GB', partitiontype: 'gpt', ...more, action: 'image-partition' };
}

test('partition names are unique', () => {
  assert.deepEqual(errors(image({ partitions: [part('root'), part('boot'), part('root')] })), [
    'partitions[2].name: image-partition action: partition "root" already exists',
  ]);
});

test('a partition needs name, fs, start and end', () => {
  assert.deepEqual(errors(image({ partitions: [{ name: 'root', start: '0%', end: '1G' }] })), [
    'partitions[0].fs: missing required property "partitions[0].fs" in image-partition action',
  ]);
  assert.deepEqual(errors(image({ partitions: [{ fs: 'ext4', start: '0%' }] })).length, 2);
});

test('filesystem labels have per-filesystem length limits, defaulting to the name', () => {
  const label = (fs: string, length: number) => part('p', { fs, fslabel: 'x'.repeat(length) });
  for (const [fs, max] of [['vfat', 11], ['fat32', 11], ['ext4', 16], ['ext2', 16], ['xfs', 12], ['btrfs', 255], ['hfsplus', 255], ['f2fs', 512]] as const) {
    assert.equal(params(image({ partitions: [label(fs, max)] })).partitions[0]!.fslabel, 'x'.repeat(max), fs);
    assert.deepEqual(errors(image({ partitions: [label(fs, max + 1)] })), [
      `partitions[0].fslabel: image-partition action: filesystem label "${'x'.repeat(max + 1)}" is too long for ${fs} (at most ${max} characters)`,
    ]);
  }
  assert.deepEqual(errors(image({ partitions: [part('a-very-long-name', { fs: 'vfat' })] })), [
    'partitions[0].name: image-partition action: filesystem label "a-very-long-name" is too long for vfat (at most 11 characters)',
  ]);
  assert.deepEqual(warnings(image({ partitions: [part('data', { fs: 'exfat', fslabel: 'data' })] })), [
    'partitions[0].fslabel: image-partition action: setting a filesystem label for exfat is not supported',
  ]);
});

test('partlabel and partuuid only on gpt; partuuid and diskid formats', () => {
  const msdos = (p: Node) => image({ partitiontype: 'msdos', partitions: [p] });
  assert.deepEqual(errors(msdos(part('a', { partlabel: 'A' }))), ["partitions[0].partlabel: image-partition action: 'partlabel' can only be set on a gpt partition table"]);
  assert.deepEqual(errors(msdos(part('a', { partuuid: '00000000-0000-0000-0000-000000000000' }))), [
    "partitions[0].partuuid: image-partition action: 'partuuid' can only be set on a gpt partition table",
  ]);
  assert.deepEqual(errors(image({ partitions: [part('a', { partuuid: 'nope' })] })), ['partitions[0].partuuid: image-partition action: incorrect partition UUID "nope": expected a GUID']);
  assert.equal(params(image({ diskid: '00002222-4444-6666-AAAA-BBBBCCCCFFFF' })).diskid, '00002222-4444-6666-AAAA-BBBBCCCCFFFF');
  assert.deepEqual(errors(image({ diskid: 'deadbeef' })), ['diskid: image-partition action: incorrect disk ID "deadbeef": expected a GUID']);
  assert.equal(params(image({ partitiontype: 'msdos', diskid: 'deadbeef' })).diskid, 'deadbeef');
  assert.deepEqual(errors(image({ partitiontype: 'msdos', diskid: 'deadbeef0' })), [
    'diskid: image-partition action: incorrect disk ID "deadbeef0": expected 8 hexadecimal digits',
  ]);
});

test('parttype is 2 characters on msdos and 36 on gpt', () => {
  assert.equal(params(image({ partitiontype: 'msdos', partitions: [part('s', { parttype: '82' })] })).partitions[0]!.parttype, '82');
  assert.deepEqual(errors(image({ partitions: [part('s', { parttype: '82' })] })), ['partitions[0].parttype: image-partition action: incorrect partition type for s: expected 36 characters']);
  assert.equal(params(image({ partitions: [part('s', { parttype: '0657fd6d-a4ab-43c4-84e5-0933c84b4f4f' })] })).partitions.length, 1);
});

test('fsuuid formats depend on the filesystem', () => {
  const uuid = '6c9d1418-8fa9-11ee-b4ca-325096b39f47';
  assert.equal(params(image({ partitions: [part('r', { fsuuid: uuid })] })).partitions[0]!.fsuuid, uuid);
  assert.equal(params(image({ partitions: [part('e', { fs: 'vfat', fsuuid: 'ABCD1234' })] })).partitions.length, 1);
  assert.deepEqual(errors(image({ partitions: [part('e', { fs: 'vfat', fsuuid: uuid })] })), [
    `partitions[0].fsuuid: image-partition action: incorrect filesystem UUID "${uuid}" for vfat: expected 8 hexadecimal digits`,
  ]);
  assert.deepEqual(errors(image({ partitions: [part('r', { fsuuid: 'ABCD1234' })] })), [
    'partitions[0].fsuuid: image-partition action: incorrect filesystem UUID "ABCD1234" for ext4: expected a GUID',
  ]);
  assert.deepEqual(errors(image({ partitions: [part('f', { fs: 'f2fs', fsuuid: uuid })] })), [
    'partitions[0].fsuuid: image-partition action: setting the filesystem UUID is not supported for f2fs',
  ]);
});

test('partattrs bits are 0-2 or 48-63', () => {
  assert.deepEqual(params(image({ partitions: [part('k', { partattrs: ['0', '2', '48', '0x3f', '56'] })] })).partitions[0]!.partattrs, ['0', '2', '48', '0x3f', '56']);
  for (const bit of ['3', '47', '64', '-1', 'x']) {
    assert.deepEqual(errors(image({ partitions: [part('k', { partattrs: ['1', bit] })] })), [
      `partitions[0].partattrs[1]: image-partition action: partition attribute bit '${bit}' outside of valid range (0-2, 48-63)`,
    ]);
  }
});

test('mountpoints: unique, of an existing partition that has a filesystem', () => {
  const parts = [part('root'), part('raw', { fs: 'none' })];
  assert.deepEqual(errors(image({ partitions: parts, mountpoints: [{ mountpoint: '/', partition: 'rot' }] })), [
    'mountpoints[0].partition: image-partition action: no partition named "rot" for mountpoint /',
  ]);
  assert.deepEqual(errors(image({ partitions: parts, mountpoints: [{ mountpoint: '/mnt', partition: 'raw' }] })), [
    'mountpoints[0].partition: image-partition action: cannot mount /mnt: partition "raw" has no filesystem',
  ]);
  assert.deepEqual(
    errors(image({ partitions: parts, mountpoints: [{ mountpoint: '/', partition: 'root' }, { mountpoint: '/', partition: 'root' }] })),
    ['mountpoints[1].mountpoint: image-partition action: mountpoint "/" already exists'],
  );
  assert.deepEqual(errors(image({ partitions: parts, mountpoints: [{ mountpoint: '/', partiton: 'root' }] })), [
    'mountpoints[0].partition: missing required property "mountpoints[0].partition" in image-partition action',
    'mountpoints[0].partiton: unknown property "mountpoints[0].partiton" in image-partition action (did you mean "partition"?)',
  ]);
});

test('partitiontype is gpt or msdos; gpt_gap only with gpt, with a warning', () => {
  assert.deepEqual(errors(image({ partitiontype: 'mbr' })), ['partitiontype: "partitiontype" in image-partition action: expected one of gpt, msdos, got "mbr"']);
  assert.deepEqual(errors(image({ partitiontype: 'msdos', gpt_gap: '1M' })), ["gpt_gap: image-partition action: 'gpt_gap' can only be used with a gpt partition table"]);
  assert.deepEqual(errors(image({ gpt_gap: 'lots' })), ['gpt_gap: image-partition action: cannot parse GPT offset "lots"']);
  assert.deepEqual(warnings(image({ gpt_gap: '1M' })), ["gpt_gap: image-partition action: 'gpt_gap' needs a parted that supports an offset argument to mklabel"]);
});

test('imagesize must be a size', () => {
  for (const size of ['8G', '1GB', '4GiB', '512 MB', '1.5g', '100000']) assert.equal(params(image({ imagesize: size })).imagesize, size);
  assert.deepEqual(errors(image({ imagesize: 'big' })), ['imagesize: image-partition action: cannot parse image size "big"']);
});

test('msdos with more than four partitions gets an extended partition in fourth place', () => {
  const names = ['boot', 'system', 'p3', 'p4', 'p5', 'p6'];
  const p = params(image({ partitiontype: 'msdos', imagesize: '6G', partitions: names.map((n, i) => part(n, { start: `${i}G`, end: `${i + 1}G` })) }));
  const table = partitionTable(p);
  assert.deepEqual(
    table.map((e) => [e.number, e.name, e.mkpartName, e.fs, e.start, e.end]),
    [
      [1, 'boot', 'primary', 'ext4', '0G', '1G'],
      [2, 'system', 'primary', 'ext4', '1G', '2G'],
      [3, 'p3', 'primary', 'ext4', '2G', '3G'],
      [4, 'extended', 'extended', 'none', '3G', '6G'],
      [5, 'p4', 'logical', 'ext4', '3G', '4G'],
      [6, 'p5', 'logical', 'ext4', '4G', '5G'],
      [7, 'p6', 'logical', 'ext4', '5G', '6G'],
    ],
  );
  assert.equal(table[3]!.fsck, true);
});

test('four msdos partitions stay primary; gpt names partitions by their label', () => {
  const four = partitionTable(params(image({ partitiontype: 'msdos', partitions: ['a', 'b', 'c', 'd'].map((n, i) => part(n, { start: `${i}G`, end: `${i + 1}G` })) })));
  assert.deepEqual(four.map((e) => e.mkpartName), ['primary', 'primary', 'primary', 'primary']);
  const gpt = partitionTable(params(image({ partitions: [part('efi', { partlabel: 'EFI System', end: '256MB' }), part('root', { start: '256MB' })] })));
  assert.deepEqual(gpt.map((e) => [e.number, e.mkpartName, e.partlabel, e.fslabel]), [
    [1, 'EFI System', 'EFI System', 'efi'],
    [2, 'root', 'root', 'root'],
  ]);
});

test('parted offsets: units by their first letter, binary units exact, fuzz of half a unit', () => {
  const place = (text: string, which: 'start' | 'end' = 'start', disk = 8e9, sector = 512) => partedPlace(text, which, disk, sector);
  assert.deepEqual(place('256M'), { sector: 500000, radius: 975 });
  assert.deepEqual(place('256m'), place('256MB'));
  assert.deepEqual(place('256'), place('256MB'), 'no unit is megabytes');
  assert.deepEqual(place('1GiB'), { sector: 2097152, radius: 0 });
  assert.deepEqual(place('1GiB', 'end'), { sector: 2097151, radius: 0 }, 'an exact end is the sector before it');
  assert.deepEqual(place('2048s', 'end'), { sector: 2048, radius: 0 });
  assert.deepEqual(place('2048s', 'start', 8e9, 4096), { sector: 2048, radius: 0 });
  assert.equal(place('100%', 'end')!.sector, 15625000);
  assert.equal(place('-1MiB', 'end')!.sector, 15625000 - 2048 - 1);
  assert.equal(place('1.5G')!.sector, 2929687);
  assert.equal(place('10cyl'), undefined);
  assert.equal(place('lots'), undefined);
});

test('bad geometry is found before parted runs: past the end, backwards, overlapping', () => {
  const two = (a: Node, b: Node, more: Node = {}) => image({ imagesize: '8G', partitions: [part('a', a), part('b', b)], ...more });
  assert.deepEqual(errors(two({ start: '0%', end: '4G' }, { start: '4G', end: '9G' })), [
    'partitions[1].end: image-partition action: partition "b" ends at 9G, past the end of the 8 GB image (imagesize: 8G)',
  ]);
  assert.deepEqual(errors(two({ start: '0%', end: '4G' }, { start: '8.5G', end: '100%' })), [
    'partitions[1].start: image-partition action: partition "b" starts at 8.5G, past the end of the 8 GB image',
  ]);
  assert.deepEqual(errors(two({ start: '0%', end: '4G' }, { start: '6G', end: '5G' })), ['partitions[1].end: image-partition action: partition "b" ends (5G) before it starts (6G)']);
  assert.deepEqual(errors(two({ start: '0%', end: '4G' }, { start: '2G', end: '6G' })), [
    'partitions[1].start: image-partition action: partition "b" (2G to 6G) overlaps partition "a" (0% to 4G)',
  ]);
  // Touching ends are fine: parted moves the start to the next sector (debos's own tests).
  assert.equal(params(two({ start: '0%', end: '256M' }, { start: '256m', end: '100%' })).partitions.length, 2);
  assert.equal(params(two({ start: '1MiB', end: '256MiB' }, { start: '256MiB', end: '100%' })).partitions.length, 2);
  assert.equal(params(two({ start: '0%', end: '50%' }, { start: '50%', end: '100%' })).partitions.length, 2);
  // An end in 8G on an 8G disk is its last sector (debos's partitioning test).
  assert.equal(params(two({ start: '0%', end: '4G' }, { start: '4G', end: '8G' })).partitions.length, 2);
});

test('msdos: the extended partition must hold the partitions from the fourth on', () => {
  const names = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
  const at = (starts: number[]) => image({ partitiontype: 'msdos', imagesize: '8G', partitions: names.map((n, i) => part(n, { start: `${starts[i]}G`, end: `${starts[i]! + 1}G` })) });
  assert.equal(params(at([0, 1, 2, 3, 4, 5])).partitions.length, 6);
  assert.deepEqual(errors(at([0, 1, 5, 3, 2, 6])), [
    'partitions[4].start: image-partition action: partition "p5" (2G to 3G) lies outside the extended partition that holds the partitions from the fourth on (3G to 7G): an msdos table has at most four primary partitions',
  ]);
  assert.deepEqual(errors(image({ partitiontype: 'msdos', imagesize: '8G', partitions: ['a', 'b', 'c', 'extended', 'e'].map((n, i) => part(n, { start: `${i}G`, end: `${i + 1}G` })) })), [
    'partitions[3].name: image-partition action: the name "extended" belongs to the extended partition debos adds for the partitions from the fourth on: choose another',
  ]);
});

test('an unknown filesystem, a mountpoint that is not absolute, an image too large or a name outside the artifacts', () => {
  assert.deepEqual(errors(image({ partitions: [part('r', { fs: 'btrfss' })] })), ['partitions[0].fs: image-partition action: unknown filesystem "btrfss" (did you mean "btrfs"?)']);
  assert.deepEqual(errors(image({ partitions: [part('r')], mountpoints: [{ mountpoint: 'boot', partition: 'r' }] })), [
    'mountpoints[0].mountpoint: image-partition action: mountpoint "boot" is not an absolute path in the image',
  ]);
  assert.deepEqual(errors(image({ imagesize: '500000000000000TB' })), [
    'imagesize: image-partition action: image size "500000000000000TB" (5e+26 bytes) is larger than a disk image can be',
  ]);
  assert.deepEqual(errors(image({ imagename: '../disk.img' })), ['imagename: image-partition action: imagename "../disk.img" leads out of the artifact directory']);
  assert.equal(params(image({ imagename: '/images/disk.img' })).imagename, '/images/disk.img');
});
