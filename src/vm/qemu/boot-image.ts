// `debstep boot IMAGE`: a finished amd64 disk image started in QEMU with its serial console
// on this terminal, so that one sees the image boot. BIOS or UEFI (OVMF) by what the
// image holds; KVM when the probe proves it works, else TCG; the image itself is never
// written (QEMU's -snapshot keeps the guest's writes in a temporary file).
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostError } from '../../core/errors.js';
import { pathExists } from '../../util/exists.js';
import type { AccelDecision } from './accel.js';
import { machineOptions } from './kvm-probe-guest.js';
import { optionValue } from './qemu-argv.js';

export type Firmware = 'bios' | 'uefi';

/** The EFI system partition's GPT type. */
const ESP = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
/** A BIOS boot partition (GRUB's core image on GPT). */
const BIOS_BOOT = '21686148-6E6F-744E-6564-4566694E4545';

/** UEFI when the image is GPT with an EFI system partition and no BIOS boot partition. */
export function firmwareFor(table: { partitiontable?: { label?: string; partitions?: { type?: string }[] } }): Firmware {
  const t = table.partitiontable;
  if (t?.label !== 'gpt') return 'bios';
  const types = (t.partitions ?? []).map((p) => (p.type ?? '').toUpperCase());
  return types.includes(ESP) && !types.includes(BIOS_BOOT) ? 'uefi' : 'bios';
}

/** Where Debian's ovmf package puts the firmware and its variable store template. */
export const OVMF = { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', vars: '/usr/share/OVMF/OVMF_VARS_4M.fd' };

export interface BootImageSpec {
  readonly binary: string;
  readonly image: string;
  readonly accel: 'kvm' | 'tcg';
  readonly memoryMb: number;
  readonly cpus: number;
  readonly firmware: Firmware;
  /** A writable copy of the UEFI variable store (UEFI only). */
  readonly uefiVars?: string;
}

export function bootImageArgv(spec: BootImageSpec): string[] {
  return [
    spec.binary,
    ...machineOptions(spec.accel),
    '-m', String(spec.memoryMb),
    '-smp', String(spec.cpus),
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    // The serial console is this terminal; Ctrl-a x quits, Ctrl-a c is QEMU's monitor.
    '-chardev', 'stdio,id=console,mux=on,signal=off',
    '-serial', 'chardev:console',
    '-mon', 'chardev=console,mode=readline',
    ...(spec.firmware === 'uefi'
      ? ['-drive', `if=pflash,format=raw,readonly=on,file=${optionValue(OVMF.code)}`, '-drive', `if=pflash,format=raw,file=${optionValue(spec.uefiVars!)}`]
      : []),
    '-drive', `file=${optionValue(spec.image)},format=raw,if=virtio`,
    '-snapshot',
    '-nic', 'user,model=virtio-net-pci',
  ];
}

/** The UEFI variable store QEMU may write, in a temporary directory; removed by `done`. */
export async function uefiVarsCopy(): Promise<{ path: string; done: () => Promise<void> }> {
  if (!(await pathExists(OVMF.code))) {
    throw new HostError('the image boots with UEFI, and the OVMF firmware is not installed', { hint: 'apt-get install ovmf' });
  }
  const dir = await mkdtemp(join(tmpdir(), 'debstep-boot-'));
  const path = join(dir, 'OVMF_VARS.fd');
  await copyFile(OVMF.vars, path);
  return { path, done: () => rm(dir, { recursive: true, force: true }) };
}

/** The sentence the boot starts with. */
export const bootBanner = (image: string, firmware: Firmware, accel: AccelDecision): string =>
  `Booting ${image} (${firmware === 'uefi' ? 'UEFI' : 'BIOS'}) with ${accel.reason}. Its console is this terminal; Ctrl-a x quits. The image is not changed.`;
