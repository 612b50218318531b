// image-partition, filesystem-deploy, raw and run's image variables on a FakeMachine: the
// commands in debos's order, what image-partition hands on, and what cleanup undoes.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { type ActionDef } from '../../../../src/engine/actions/action.js';
import { filesystemDeploy } from '../../../../src/engine/actions/filesystem-deploy.js';
import { imagePartition } from '../../../../src/engine/actions/image-partition.js';
import { seededImage } from '../../../../src/engine/actions/image/seeded.js';
import { raw } from '../../../../src/engine/actions/raw.js';
import { run } from '../../../../src/engine/actions/run.js';
import { type BuildEvent, EventBus } from '../../../../src/core/events.js';
import { StageContext } from '../../../../src/engine/run/stage.js';
import { Workspace } from '../../../../src/engine/workspace/workspace.js';
import { type ExecRequest } from '../../../../src/vm/machine.js';
import { FakeMachine, fakeServices } from '../../../helpers/fake-machine.js';
import { params } from './check.js';
import { tempDir } from './run-action.js';

const IMAGE = {
  action: 'image-partition',
  imagename: '/images/disk.img',
  imagesize: '2GiB',
  partitiontype: 'gpt',
  diskid: '12345678-1234-1234-1234-123456789012',
  partitions: [
    { name: 'efi', fs: 'vfat', start: '1MiB', end: '256MiB', flags: ['esp'], fsuuid: 'abcd1234' },
    { name: 'root', fs: 'ext4', start: '256MiB', end: '100%', partuuid: '87654321-1234-5678-9012-345678901234' },
  ],
  mountpoints: [
    { mountpoint: '/boot/efi', partition: 'efi', options: ['umask=0077'] },
    { mountpoint: '/', partition: 'root' },
    { mountpoint: '/mnt/build', partition: 'root', buildtime: 'true' },
  ],
} as const;

async function setup(t: Parameters<typeof tempDir>[0], epoch?: number) {
  const dir = await tempDir(t);
  const machine = new FakeMachine();
  // blkid prints the UUID of the partition it is asked about.
  machine.script = (req) => (req.argv[0] === 'blkid' ? { status: 0, output: [`uuid-of-${req.argv.at(-1)!.split('/').pop()}`] } : req.argv[0] === 'stat' ? { status: 0, output: ['4096'] } : { status: 0 });
  const ws = await Workspace.create(join(dir, 'state'), 'r.yaml');
  const bus = new EventBus();
  const events: BuildEvent[] = [];
  bus.add({ write: (e) => void events.push(e) });
  const services = { ...fakeServices(machine, bus, ws, dir, {}), ...(epoch === undefined ? {} : { sourceDateEpoch: epoch }) };
  const ctx = (index: number) => new StageContext(services, index, dir, 'amd64', 512);
  const stage = async (def: ActionDef, p: unknown, index: number, which: 'run' | 'cleanup' | 'postMachineCleanup' = 'run', status?: 'success' | 'failed') => {
    const c = ctx(index);
    c.buildStatus = status;
    await def[which]!(p, c);
  };
  const execs = () => machine.calls.filter((c) => c.what === 'exec').map((c) => (c.detail as ExecRequest));
  return { dir, machine, ws, ctx, stage, execs, events };
}

test('image-partition: debos\'s commands in debos\'s order, mounts / first, and what it hands on', async (t) => {
  const { dir, machine, ws, ctx, stage, execs } = await setup(t);
  const p = params(IMAGE);
  await stage(imagePartition, p, 1);
  assert.deepEqual(machine.calls[0], { what: 'attachImage', detail: { path: join(dir, 'images/disk.img'), bytes: 2 ** 31, sectorSize: 512 } });
  const mnt = join(ws.scratch, 'mnt');
  assert.deepEqual(execs().map((r) => r.argv.join(' ')), [
    'parted -s /dev/fake0 mklabel gpt',
    'sfdisk --disk-id /dev/fake0 12345678-1234-1234-1234-123456789012',
    'parted -a none -s -- /dev/fake0 mkpart efi fat32 1MiB 256MiB',
    'parted -s /dev/fake0 set 1 esp on',
    'flock /dev/fake0 mkfs.vfat -n efi -F32 -i abcd1234 /dev/fake0p1',
    'parted -a none -s -- /dev/fake0 mkpart root ext4 256MiB 100%',
    'sfdisk --part-uuid /dev/fake0 2 87654321-1234-5678-9012-345678901234',
    'flock /dev/fake0 mkfs.ext4 -L root /dev/fake0p2',
    'blkid -o value -s UUID -p -c none /dev/fake0p2',
    `mkdir -p ${mnt}`,
    `flock /dev/fake0 mount -t ext4 /dev/fake0p2 ${mnt}`,
    `mkdir -p ${mnt}/boot/efi`,
    `flock /dev/fake0 mount -t vfat /dev/fake0p1 ${mnt}/boot/efi`,
    `mkdir -p ${mnt}/mnt/build`,
    `flock /dev/fake0 mount -t ext4 /dev/fake0p2 ${mnt}/mnt/build`,
  ]);
  assert.deepEqual(execs().find((r) => r.argv.includes('mkfs.ext4'))?.env, { UNIX_IO_NOZEROOUT: '1' });
  assert.ok(execs().every((r) => !r.chroot), 'all on the build host');
  const image = ctx(2).image!;
  assert.equal(image.device.path, '/dev/fake0');
  assert.equal(image.mountDir, mnt);
  assert.deepEqual(image.partitions.map((x) => [x.name, x.number, x.path]), [['efi', 1, '/dev/fake0p1'], ['root', 2, '/dev/fake0p2']]);
  assert.equal(image.fstab, 'UUID=uuid-of-fake0p2\t/\text4\tdefaults\t0\t1\nUUID=ABCD-1234\t/boot/efi\tvfat\tdefaults,umask=0077\t0\t2\n');
  assert.equal(image.kernelRoot, 'root=UUID=uuid-of-fake0p2');
  assert.equal(ctx(1).image, undefined, 'an action sees only images made before it');

  // Cleanup: unmounted last first, the build-time directory removed, the device let go.
  machine.calls.length = 0;
  await stage(imagePartition, p, 1, 'cleanup');
  assert.deepEqual(execs().map((r) => r.argv.join(' ')), [`umount ${mnt}/mnt/build`, `rmdir ${mnt}/mnt/build`, `umount ${mnt}/boot/efi`, `umount ${mnt}`]);
  assert.deepEqual(machine.calls.at(-1), { what: 'detachImage', detail: '/dev/fake0' });
  assert.equal(ctx(2).image, undefined);
});

test('image-partition: a failed build\'s image is deleted, a good one kept', async (t) => {
  const { dir, stage } = await setup(t);
  const p = params({ ...IMAGE, imagename: 'disk.img' });
  const file = join(dir, 'disk.img');
  await writeFile(file, 'x');
  await stage(imagePartition, p, 1, 'postMachineCleanup', 'success');
  assert.equal((await import('node:fs')).existsSync(file), true);
  await stage(imagePartition, p, 1, 'postMachineCleanup', 'failed');
  assert.equal((await import('node:fs')).existsSync(file), false);
});

test('filesystem-deploy copies with cp -a, then the image is the root, with fstab and kernel cmdline', async (t) => {
  const { machine, ws, stage, execs } = await setup(t);
  await stage(imagePartition, params(IMAGE), 1);
  machine.calls.length = 0;
  await machine.files.writeFile('/etc/kernel/cmdline', 'quiet\n');
  await stage(filesystemDeploy, params({ action: 'filesystem-deploy', 'append-kernel-cmdline': 'console=ttyS0' }, { image: imagePartition.image!(params(IMAGE), 512) }), 2);
  const mnt = join(ws.scratch, 'mnt');
  assert.deepEqual(execs().map((r) => r.argv), [['cp', '-a', '/fake-root/.', mnt]]);
  assert.deepEqual(machine.calls.find((c) => c.what === 'showImageAsRoot'), { what: 'showImageAsRoot', detail: mnt });
  assert.match(machine.files.files.get('/etc/fstab')!.toString(), /^UUID=uuid-of-fake0p2\t\/\text4/);
  assert.equal(machine.files.files.get('/etc/kernel/cmdline')!.toString(), 'quiet root=UUID=uuid-of-fake0p2 console=ttyS0\n');
  await stage(filesystemDeploy, {}, 2, 'cleanup');
  assert.deepEqual(machine.calls.at(-1), { what: 'showImageAsRoot', detail: undefined }, 'its cleanup shows the layers again');
});

test('for reproducible output the image gets seeded identifiers, and after the deploy no noise and no time past the epoch', async (t) => {
  const { machine, ws, stage, execs, events } = await setup(t, 1700000000);
  const p = params({ ...IMAGE, diskid: undefined, partitions: [{ name: 'efi', fs: 'vfat', start: '1MiB', end: '256MiB' }, { name: 'root', fs: 'ext4', start: '256MiB', end: '100%' }] });
  await stage(imagePartition, p, 1);
  const seeded = seededImage(p, 1700000000);
  const argvs = execs().map((r) => r.argv);
  assert.deepEqual(argvs.find((a) => a.includes('--disk-id')), ['sfdisk', '--disk-id', '/dev/fake0', seeded.diskid]);
  assert.ok(argvs.some((a) => a.join(' ') === `sfdisk --part-uuid /dev/fake0 2 ${seeded.partitions[1]!.partuuid}`));
  const ext = execs().find((r) => r.argv.includes('mkfs.ext4'))!;
  assert.ok(ext.argv.includes('-U') && ext.argv.includes(seeded.partitions[1]!.fsuuid!));
  assert.equal(ext.env?.E2FSPROGS_FAKE_TIME, '1700000000');
  assert.ok(execs().find((r) => r.argv.includes('mkfs.vfat'))!.argv.includes('--invariant'));

  machine.calls.length = 0;
  machine.script = (req) => (req.argv[0] === 'sh' ? { status: 0, output: ['cleaned /etc/ssh/ssh_host_*'] } : { status: 0 });
  await stage(filesystemDeploy, params({ action: 'filesystem-deploy' }, { image: imagePartition.image!(p, 512) }), 2);
  const [cp, clean, clamp] = execs().map((r) => r.argv);
  assert.deepEqual(cp, ['cp', '-a', '/fake-root/.', join(ws.scratch, 'mnt')]);
  assert.deepEqual(clean!.slice(0, 2), ['sh', '-ec'], 'the noise goes after fstab and cmdline are written');
  assert.deepEqual(clamp, ['find', '/fake-root', '-newermt', '@1700000000', '-exec', 'touch', '--no-dereference', '--date=@1700000000', '{}', '+']);
  assert.ok(events.some((e) => e.type === 'warning' && /ssh host keys made during the build were removed/.test(e.message)));
  assert.ok(events.some((e) => e.type === 'info' && e.message === 'Reproducible output: removed what differs from build to build: /etc/ssh/ssh_host_*'));
});

test('raw writes with dd at the offset, streamed, into the image or a partition; past the end fails naming the offset', async (t) => {
  const { dir, machine, stage, execs } = await setup(t);
  await stage(imagePartition, params(IMAGE), 1);
  machine.calls.length = 0;
  await stage(raw, params({ action: 'raw', source: 'u-boot.bin', offset: '64s' }, { image: imagePartition.image!(params(IMAGE), 512) }), 2);
  assert.deepEqual(execs().map((r) => r.argv), [
    ['stat', '-L', '-c', '%s', join(dir, 'u-boot.bin')],
    ['dd', `if=${join(dir, 'u-boot.bin')}`, 'of=/dev/fake0', 'bs=4M', 'seek=32768', 'oflag=seek_bytes', 'conv=notrunc,fsync', 'status=none'],
  ]);
  machine.calls.length = 0;
  await stage(raw, params({ action: 'raw', origin: 'filesystem', source: 'boot.bin', partition: 'efi' }, { image: imagePartition.image!(params(IMAGE), 512) }), 3);
  assert.equal(execs()[1]!.argv[2], 'of=/dev/fake0p1');
  assert.equal(execs()[1]!.argv[1], 'if=/fake-root/boot.bin', 'origin filesystem resolves in the root');
  // The fake partitions are 1 MiB: 4096 bytes at 1 MiB - 1 KiB do not fit.
  await assert.rejects(
    stage(raw, params({ action: 'raw', source: 'u-boot.bin', partition: 'root', offset: '1047552' }, { image: imagePartition.image!(params(IMAGE), 512) }), 4),
    /^BuildError: 'offset': u-boot\.bin \(4096 bytes\) at offset 1047552 \(byte 1047552\) ends past the end of partition root \(\/dev\/fake0p2\), which has 1048576 bytes$/,
  );
});

test('run: IMAGE for commands after image-partition, IMAGEMNTDIR on the build host only, neither for postprocess', async (t) => {
  const { ws, stage, execs } = await setup(t);
  const envOf = async (node: Record<string, unknown>, index: number) => {
    await stage(run, params({ action: 'run', command: 'true', ...node }), index);
    return execs().at(-1)!.env!;
  };
  assert.equal((await envOf({}, 1)).IMAGE, undefined);
  await stage(imagePartition, params(IMAGE), 2);
  const host = await envOf({}, 3);
  assert.deepEqual([host.IMAGE, host.IMAGEMNTDIR], ['/dev/fake0', join(ws.scratch, 'mnt')]);
  const chroot = await envOf({ chroot: 'true' }, 4);
  assert.deepEqual([chroot.IMAGE, chroot.IMAGEMNTDIR], ['/dev/fake0', undefined]);
});
