// Does hardware acceleration (KVM) work? /dev/kvm can exist and still fail or hang
// (nested virtualisation), so the only proof is running a guest. This boots a 42-byte
// multiboot program that writes to QEMU's isa-debug-exit port, which ends QEMU with
// status 33: a bounded probe that answers in well under a second when KVM works.
import { spawnCommand } from '../host/exec.js';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOAD = 0x100000;
const EXIT_PORT = 0xf4;
/** QEMU exits with (value << 1) | 1 when the guest writes value to isa-debug-exit. */
const PROBE_EXIT = (0x10 << 1) | 1;

/** A multiboot (a.out kludge) image: header, then `out 0xf4, 0x10; hlt`. */
export function probeKernel(): Buffer {
  const magic = 0x1badb002;
  const flags = 0x00010000;
  const header = Buffer.alloc(32);
  [magic, flags, (-(magic + flags)) >>> 0, LOAD, LOAD, 0, 0, LOAD + 32].forEach((v, i) => header.writeUInt32LE(v >>> 0, i * 4));
  const code = Buffer.from([0x66, 0xba, EXIT_PORT, 0x00, 0xb0, 0x10, 0xee, 0xf4, 0xeb, 0xfd]);
  return Buffer.concat([header, code]);
}

export interface ProbeResult {
  readonly works: boolean;
  /** Why not, from QEMU's own words, or the time it took. */
  readonly detail: string;
  readonly ms: number;
}

/** Runs the probe guest with `accel` (kvm or tcg) within `timeoutMs`. */
export async function probeAccel(accel: 'kvm' | 'tcg', timeoutMs = 5000, qemu = 'qemu-system-x86_64'): Promise<ProbeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-accel-'));
  try {
    const kernel = join(dir, 'probe.bin');
    await writeFile(kernel, probeKernel());
    const cpu = accel === 'kvm' ? ['-cpu', 'host'] : [];
    const argv = [qemu, '-accel', accel, ...cpu, '-machine', 'pc', '-nodefaults', '-display', 'none', '-no-reboot', '-device', `isa-debug-exit,iobase=${EXIT_PORT},iosize=0x04`, '-kernel', kernel];
    const lines: string[] = [];
    const signal = AbortSignal.timeout(timeoutMs);
    const r = await spawnCommand(argv, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, signal }, (_s, l) => lines.push(l));
    const errors = lines.filter((l) => /error|fail|denied|No such/i.test(l));
    if (r.exitStatus === PROBE_EXIT) return { works: true, detail: `a test guest ran in ${r.durationMs} ms`, ms: r.durationMs };
    if (signal.aborted) return { works: false, detail: `a test guest did not finish within ${timeoutMs / 1000} s (hangs)`, ms: r.durationMs };
    return { works: false, detail: (errors[0] ?? lines[0] ?? `qemu exited with status ${r.exitStatus ?? r.signal}`).trim(), ms: r.durationMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Why KVM cannot be used here, or undefined when it works. Bounded: a few seconds at most. */
export async function kvmProblem(device = '/dev/kvm', probe: typeof probeAccel = probeAccel): Promise<string | undefined> {
  const denied = await access(device, constants.R_OK | constants.W_OK).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? `${device} does not exist` : `${device} is not usable (${err.code}; is the user in the kvm group?)`),
  );
  if (denied) return denied;
  const result = await probe('kvm', 4000);
  return result.works ? undefined : result.detail;
}
