// The guest that proves KVM can run what a build boots. /dev/kvm can exist while KVM
// cannot run Linux (nested virtualisation): a guest that never leaves 32-bit mode runs,
// but the build's kernel hangs before it prints anything, or QEMU fails at once setting
// an MSR that `-cpu host` asks for. So the probe boots the build's own kernel, as the VM
// boots it (the same image, machine and CPU), with an initramfs of nothing but a static
// busybox and an /init that writes to QEMU's isa-debug-exit port: QEMU then exits with
// status 33, and the kernel has gone through everything the build's VM needs before its
// init. Pure: running it is accel-probe.ts's job.
import { CpioWriter } from './cpio.js';
import { BUSYBOX } from './init-script.js';
import { qemuArgv } from './qemu-argv.js';

/** QEMU's isa-debug-exit port, and the status QEMU exits with when 0x10 is written to it
 * ((value << 1) | 1). */
export const PROBE_EXIT_PORT = 0xf4;
export const PROBE_EXIT_STATUS = (0x10 << 1) | 1;

/**
 * How long the probe kernel has to reach its init. Under working KVM a distribution
 * kernel gets there in well under 2 s; 8 s leaves room for a host whose cores are busy
 * with other builds. It is long rather than short because the answer is kept until the
 * host reboots: a bound too tight would condemn a working KVM for the whole boot, while
 * one too long costs a host with broken KVM a few seconds once.
 */
export const PROBE_TIMEOUT_MS = 8000;

/** What /init prints first: a kernel that printed it has reached its init under KVM. */
export const PROBE_INIT_MARK = 'debstep-probe: init reached';

export function probeInitScript(): string {
  const bb = BUSYBOX;
  return [
    `#!${bb} sh`,
    `${bb} mount -t devtmpfs devtmpfs /dev`,
    `echo '${PROBE_INIT_MARK}'`,
    // One byte, 0x10, at port 0xf4 (244) through /dev/port: QEMU exits with status 33.
    `${bb} printf '\\020' | ${bb} dd of=/dev/port bs=1 seek=${PROBE_EXIT_PORT} count=1 2>/dev/null`,
    `echo 'debstep-probe: FATAL: writing to the isa-debug-exit port did not end QEMU'`,
    `${bb} poweroff -f`,
    '',
  ].join('\n');
}

/** The probe's initramfs: /dev/console, busybox and /init; no modules. */
export function probeInitramfs(busybox: Uint8Array): Buffer {
  const cpio = new CpioWriter();
  cpio.charDevice('/dev/console', 5, 1);
  cpio.dir('/proc');
  cpio.file(BUSYBOX, busybox, 0o755);
  cpio.file('/init', probeInitScript(), 0o755);
  return cpio.finish();
}

/** The -machine, -accel and -cpu options of the build's VM, read off its own command line
 * so that the probe cannot drift from what it vouches for. */
export function machineOptions(accel: 'kvm' | 'tcg'): string[] {
  const vm = qemuArgv({ binary: 'qemu', accel, memoryMb: 0, cpus: 1, kernel: '', initrd: '', append: [], shares: [], disks: [], controlSocket: '', controlPort: '', network: false });
  return ['-machine', '-accel', '-cpu'].flatMap((option) => [option, vm[vm.indexOf(option) + 1]!]);
}

export interface ProbeSpec {
  readonly binary: string;
  /** The kernel as the VM boots it (PVH-unpacked when possible). */
  readonly kernel: string;
  readonly initrd: string;
}

export function probeArgv(spec: ProbeSpec): string[] {
  return [
    spec.binary,
    '-nodefaults',
    '-no-user-config',
    '-display', 'none',
    '-no-reboot',
    ...machineOptions('kvm'),
    // The build's default CPU count (a hang in bringing up the second CPU counts too).
    '-m', '256',
    '-smp', '2',
    '-kernel', spec.kernel,
    '-initrd', spec.initrd,
    '-append', 'console=ttyS0 panic=-1 quiet',
    '-chardev', 'stdio,id=console,signal=off',
    '-serial', 'chardev:console',
    '-device', `isa-debug-exit,iobase=0x${PROBE_EXIT_PORT.toString(16)},iosize=0x04`,
  ];
}

/** How a probe run ended, as seen from the host. */
export interface ProbeRun {
  readonly exitStatus: number | null;
  readonly signal: string | null;
  /** The probe's own bound ran out (and it killed QEMU). */
  readonly timedOut: boolean;
  /** Console and QEMU lines, in order. */
  readonly lines: readonly string[];
  readonly ms: number;
}

/**
 * works: KVM runs the kernel. broken: KVM does not (kept until the host reboots).
 * inconclusive: the probe says nothing about KVM (interrupted, or QEMU failed for another
 * reason): not kept, and KVM is not used this time.
 */
export type ProbeOutcome = { readonly verdict: 'works' | 'broken' | 'inconclusive'; readonly detail: string };

const QEMU_LINE = /^qemu-system-[\w-]+: /;
/** What QEMU says when a signal (^C on the terminal) ends it. */
const INTERRUPTED = /terminating on signal/;
/** QEMU errors about KVM itself, as opposed to memory, files or options. */
const ABOUT_KVM = /kvm|msr|cpuid|vcpu|virtuali[sz]ation|-cpu host|host cpu/i;

export function probeOutcome(run: ProbeRun, kernel: string, timeoutMs: number): ProbeOutcome {
  const lines = run.lines.map((l) => l.trim()).filter(Boolean);
  const seconds = (run.ms / 1000).toFixed(1);
  if (run.exitStatus === PROBE_EXIT_STATUS || lines.includes(PROBE_INIT_MARK)) {
    return { verdict: 'works', detail: `the kernel ${kernel} reached its init under KVM in ${seconds} s` };
  }
  if (run.timedOut) {
    const last = lines.at(-1);
    return { verdict: 'broken', detail: `the kernel ${kernel} did not reach its init within ${timeoutMs / 1000} s under KVM: it hangs${last ? ` after printing "${last}"` : ''}` };
  }
  // Before the signal: QEMU aborts (SIGABRT) after failing to set an MSR.
  const qemuError = lines.find((l) => QEMU_LINE.test(l) && !INTERRUPTED.test(l));
  if (qemuError && ABOUT_KVM.test(qemuError)) return { verdict: 'broken', detail: `QEMU could not run the kernel ${kernel} under KVM: ${qemuError}` };
  const interrupted = lines.find((l) => QEMU_LINE.test(l) && INTERRUPTED.test(l));
  if (run.signal || interrupted) return { verdict: 'inconclusive', detail: `the KVM probe was interrupted (${interrupted ?? `QEMU got ${run.signal}`})` };
  const why = qemuError ?? lines.find((l) => /Kernel panic/.test(l)) ?? lines.at(-1) ?? `QEMU exited with status ${run.exitStatus}`;
  return { verdict: 'inconclusive', detail: `the KVM probe did not show KVM working: ${why}` };
}
