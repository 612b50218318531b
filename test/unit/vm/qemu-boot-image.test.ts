import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootImageArgv, firmwareFor, OVMF } from '../../../src/vm/qemu/boot-image.js';

const gpt = (...types: string[]) => ({ partitiontable: { label: 'gpt', partitions: types.map((type) => ({ type })) } });
const ESP = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';

test('UEFI for a GPT image with an EFI system partition and no BIOS boot partition, else BIOS', () => {
  assert.equal(firmwareFor(gpt(ESP.toLowerCase(), '0FC63DAF-8483-4772-8E79-3D69D8477DE4')), 'uefi');
  assert.equal(firmwareFor(gpt(ESP, '21686148-6E6F-744E-6564-4566694E4545')), 'bios', 'a BIOS boot partition: GRUB for BIOS');
  assert.equal(firmwareFor(gpt('0FC63DAF-8483-4772-8E79-3D69D8477DE4')), 'bios');
  assert.equal(firmwareFor({ partitiontable: { label: 'dos', partitions: [{ type: 'ef' }] } }), 'bios');
  assert.equal(firmwareFor({}), 'bios', 'no partition table (sfdisk failed): BIOS');
});

test('the image boots on a virtio disk with its serial console on stdio and is never written', () => {
  const argv = bootImageArgv({ binary: 'qemu', image: '/a,b/x.img', accel: 'tcg', memoryMb: 1024, cpus: 2, firmware: 'bios' });
  assert.ok(argv.includes('-snapshot'), 'writes go to a temporary file');
  assert.ok(argv.includes('file=/a,,b/x.img,format=raw,if=virtio'), 'commas in the path are escaped');
  assert.deepEqual(argv.slice(argv.indexOf('-serial'), argv.indexOf('-serial') + 2), ['-serial', 'chardev:console']);
  assert.ok(argv.includes('stdio,id=console,mux=on,signal=off'), 'Ctrl-C reaches the guest; Ctrl-a x quits');
  assert.ok(!argv.some((a) => a.includes('pflash')));
  const uefi = bootImageArgv({ binary: 'qemu', image: '/x.img', accel: 'kvm', memoryMb: 512, cpus: 1, firmware: 'uefi', uefiVars: '/tmp/v.fd' });
  assert.ok(uefi.includes(`if=pflash,format=raw,readonly=on,file=${OVMF.code}`) && uefi.includes('if=pflash,format=raw,file=/tmp/v.fd'));
  assert.deepEqual(uefi.slice(uefi.indexOf('-accel'), uefi.indexOf('-accel') + 2), ['-accel', 'kvm']);
});
