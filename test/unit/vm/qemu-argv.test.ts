import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type QemuSpec, optionValue, qemuArgv } from '../../../src/vm/qemu/qemu-argv.js';

const spec: QemuSpec = {
  binary: '/usr/bin/qemu-system-x86_64',
  accel: 'tcg',
  memoryMb: 2048,
  cpus: 2,
  kernel: '/cache/vmlinux',
  initrd: '/tmp/vm/initramfs.cpio',
  append: ['console=ttyS0', 'panic=-1', 'quiet'],
  shares: [
    { tag: 'host', hostPath: '/', readOnly: true },
    { tag: 'rw1', hostPath: '/work/a,b', readOnly: false },
  ],
  disks: [{ path: '/ws/layers.img', serial: 'debstep-layers' }],
  controlSocket: '/tmp/vm/control.sock',
  controlPort: 'debstep.control',
  network: true,
};

/** The value following each occurrence of `flag`. */
const values = (argv: string[], flag: string) => argv.flatMap((a, i) => (a === flag ? [argv[i + 1]!] : []));

test('TCG gets the max CPU model, KVM the host CPU', () => {
  const tcg = qemuArgv(spec);
  assert.deepEqual(values(tcg, '-accel'), ['tcg']);
  assert.deepEqual(values(tcg, '-cpu'), ['Nehalem,+rdrand']);
  const kvm = qemuArgv({ ...spec, accel: 'kvm' });
  assert.deepEqual(values(kvm, '-accel'), ['kvm']);
  assert.deepEqual(values(kvm, '-cpu'), ['host']);
});

test('memory, cpus, kernel, initrd and the command line', () => {
  const argv = qemuArgv(spec);
  assert.equal(argv[0], spec.binary);
  assert.deepEqual(values(argv, '-m'), ['2048']);
  assert.deepEqual(values(argv, '-smp'), ['2']);
  assert.deepEqual(values(argv, '-kernel'), ['/cache/vmlinux']);
  assert.deepEqual(values(argv, '-initrd'), ['/tmp/vm/initramfs.cpio']);
  assert.deepEqual(values(argv, '-append'), ['console=ttyS0 panic=-1 quiet']);
  assert.ok(argv.includes('-no-reboot'), 'a panicking guest ends QEMU');
  assert.ok(argv.includes('-nodefaults'));
});

test('each share is a 9p device with its tag; read-only ones say so; commas in paths are doubled', () => {
  const argv = qemuArgv(spec);
  assert.deepEqual(values(argv, '-fsdev'), [
    'local,id=fs0,path=/,security_model=none,multidevs=remap,readonly=on',
    'local,id=fs1,path=/work/a,,b,security_model=none,multidevs=remap',
  ]);
  assert.deepEqual(values(argv, '-device').filter((d) => d.startsWith('virtio-9p-pci')), ['virtio-9p-pci,fsdev=fs0,mount_tag=host', 'virtio-9p-pci,fsdev=fs1,mount_tag=rw1']);
});

test('disks carry the serial the guest finds them by; the control port its name; the network is user-mode virtio', () => {
  const argv = qemuArgv(spec);
  assert.deepEqual(values(argv, '-drive'), ['file=/ws/layers.img,if=none,id=disk0,format=raw,cache=unsafe,discard=unmap']);
  assert.ok(values(argv, '-device').includes('virtio-blk-pci,drive=disk0,serial=debstep-layers'));
  assert.ok(values(argv, '-chardev').includes('socket,id=control,path=/tmp/vm/control.sock'));
  assert.ok(values(argv, '-device').includes('virtserialport,chardev=control,name=debstep.control'));
  assert.deepEqual(values(argv, '-serial'), ['chardev:console']);
  assert.deepEqual(values(argv, '-nic'), ['user,model=virtio-net-pci']);
  assert.deepEqual(values(qemuArgv({ ...spec, network: false }), '-nic'), []);
});

test('a disk image is a disk with its sector size, logical and physical, as fakemachine gives it', () => {
  const argv = qemuArgv({ ...spec, disks: [...spec.disks, { path: '/out/test.img', serial: 'debstep-image-0', blockSize: 4096 }] });
  assert.ok(values(argv, '-drive').includes('file=/out/test.img,if=none,id=disk1,format=raw,cache=unsafe,discard=unmap'));
  assert.ok(values(argv, '-device').includes('virtio-blk-pci,drive=disk1,serial=debstep-image-0,logical_block_size=4096,physical_block_size=4096'));
});

test('optionValue doubles commas only', () => {
  assert.equal(optionValue('/a,b,,c'), '/a,,b,,,,c');
  assert.equal(optionValue('/plain'), '/plain');
});
