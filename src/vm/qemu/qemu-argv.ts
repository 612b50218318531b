// The QEMU command line for a debstep guest. Pure, so the exact argv is unit-tested and
// shown in verbose diagnostics.

export interface QemuSpec {
  readonly binary: string;
  readonly accel: 'kvm' | 'tcg';
  readonly memoryMb: number;
  readonly cpus: number;
  readonly kernel: string;
  readonly initrd: string;
  readonly append: readonly string[];
  readonly shares: readonly { readonly tag: string; readonly hostPath: string; readonly readOnly: boolean }[];
  /** `blockSize`: logical and physical sector size (disk images); else QEMU's 512. */
  readonly disks: readonly { readonly path: string; readonly serial: string; readonly blockSize?: number }[];
  /** The host's unix socket for the control channel; QEMU connects to it. */
  readonly controlSocket: string;
  /** The name the guest agent looks the control port up by. */
  readonly controlPort: string;
  readonly network: boolean;
}

/**
 * The CPU a TCG guest sees: x86-64-v2 (what distributions build for, and more) plus
 * RDRAND, so the guest's entropy pool is ready at once and node does not wait for random
 * numbers. Measured here (bench/RESULTS.md): against "max" the guest is ready 0.4-0.5 s
 * sooner (the kernel patches less code for features it finds) and xz, gzip and sha256sum
 * run as fast or faster (fewer wide instructions for QEMU to emulate).
 */
export const TCG_CPU = 'Nehalem,+rdrand';

/** QEMU option values separate keys with commas; a comma in a value is written twice. */
export const optionValue = (value: string): string => value.replace(/,/g, ',,');

export function qemuArgv(spec: QemuSpec): string[] {
  const argv = [
    spec.binary,
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    // The guest powering off or panicking (panic=-1 reboots) ends QEMU: nothing hangs.
    '-no-reboot',
    '-machine', 'pc',
    '-accel', spec.accel,
    '-cpu', spec.accel === 'kvm' ? 'host' : TCG_CPU,
    '-m', String(spec.memoryMb),
    '-smp', String(spec.cpus),
    '-kernel', spec.kernel,
    '-initrd', spec.initrd,
    '-append', spec.append.join(' '),
    // The serial console is QEMU's stdio: the pty debstep runs QEMU in.
    '-chardev', 'stdio,id=console,signal=off',
    '-serial', 'chardev:console',
    '-device', 'virtio-serial-pci',
    '-chardev', `socket,id=control,path=${optionValue(spec.controlSocket)}`,
    '-device', `virtserialport,chardev=control,name=${spec.controlPort}`,
  ];
  spec.shares.forEach((s, i) => {
    const options = [`local`, `id=fs${i}`, `path=${optionValue(s.hostPath)}`, 'security_model=none', 'multidevs=remap', ...(s.readOnly ? ['readonly=on'] : [])];
    argv.push('-fsdev', options.join(','), '-device', `virtio-9p-pci,fsdev=fs${i},mount_tag=${s.tag}`);
  });
  spec.disks.forEach((d, i) => {
    argv.push(
      '-drive', `file=${optionValue(d.path)},if=none,id=disk${i},format=raw,cache=unsafe,discard=unmap`,
      '-device', `virtio-blk-pci,drive=disk${i},serial=${d.serial}${d.blockSize ? `,logical_block_size=${d.blockSize},physical_block_size=${d.blockSize}` : ''}`,
    );
  });
  if (spec.network) argv.push('-nic', 'user,model=virtio-net-pci');
  return argv;
}
