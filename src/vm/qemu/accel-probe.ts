// Does KVM work for a build? The one check behind the backend choice, the VM's
// acceleration and doctor. /dev/kvm can exist while KVM cannot run Linux, so the only
// proof is booting the build's kernel under KVM (kvm-probe-guest.ts), bounded to a few
// seconds. The answer is kept per kernel, QEMU and host boot (kvm-probe-cache.ts), and
// once per process, so a build asks at most once and the next build not at all. A probe
// that says nothing about KVM (interrupted, busybox missing, QEMU failing for another
// reason) is not kept: KVM is not used that time, and the next build asks again.
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultStateDir } from '../../core/state-dir.js';
import { which } from '../../util/which.js';
import { spawnCommand } from '../host/exec.js';
import { staticBusybox } from './initramfs.js';
import { type KernelChoice, chooseKernel } from './kernel.js';
import { type KeptAnswer, type ProbeKey, answerFile, hostBootId, probeKey, readAnswer, writeAnswer } from './kvm-probe-cache.js';
import { PROBE_TIMEOUT_MS, type ProbeOutcome, probeArgv, probeInitramfs, probeOutcome } from './kvm-probe-guest.js';
import { pvhKernel } from './pvh-kernel.js';

export interface KvmCheckOptions {
  /** Where answers are kept: the VM cache directory. Default: the default state
   * directory's cache/vm. */
  readonly cacheDir?: string | undefined;
  /** The kernel the VM will boot (--kernel, --modules); default: chooseKernel's choice. */
  readonly kernel?: string | undefined;
  readonly modules?: string | undefined;
  /** Hears, before a probe boot starts, what it is about to wait for. */
  readonly onProbe?: ((message: string) => void) | undefined;
}

export interface KvmVerdict {
  readonly works: boolean;
  /** What the probe saw, or why there was no probe. */
  readonly detail: string;
  /** The file the answer was read from, when it was kept from an earlier probe. */
  readonly keptIn?: string;
  /** Where this fresh answer is kept from now on, if it is. */
  readonly savedIn?: string;
  /** How long the probe boot took, when there was one. */
  readonly ms?: number;
}

/** What the check takes from the host; tests give fakes. */
export interface KvmHost {
  readonly device: string;
  readonly qemu: () => Promise<string | undefined>;
  readonly kernel: (explicit: { kernel?: string; modules?: string }) => Promise<KernelChoice>;
  readonly bootId: () => Promise<string>;
  readonly probe: (qemu: string, kernelImage: string, cacheDir: string) => Promise<ProbeOutcome & { readonly ms: number }>;
}

/** The VM cache directory of a state directory: KVM's answers and kernels are this
 * machine's, so they stay there when --cache-dir moves the other caches. */
export const vmCacheDirOf = (stateDir: string): string => join(stateDir, 'cache', 'vm');
const defaultVmCacheDir = (): string => vmCacheDirOf(defaultStateDir());

/** Boots `kernelImage` (PVH-unpacked as the VM boots it) under KVM with the probe's
 * initramfs, and says what that shows. Throws when the probe cannot be run at all. */
export async function runProbe(qemu: string, kernelImage: string, cacheDir: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeOutcome & { ms: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-kvm-probe-'));
  try {
    // A cache that cannot be written: unpacked in the temporary directory, whose failure is thrown.
    const [boot, busybox] = await Promise.all([pvhKernel(kernelImage, cacheDir).catch(() => pvhKernel(kernelImage, dir)), staticBusybox()]);
    const initrd = join(dir, 'probe.cpio');
    await writeFile(initrd, probeInitramfs(busybox.data));
    const timeout = AbortSignal.timeout(timeoutMs);
    const lines: string[] = [];
    const r = await spawnCommand(probeArgv({ binary: qemu, kernel: boot.path, initrd }), { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, signal: timeout }, (_s, l) => lines.push(l));
    const run = { exitStatus: r.exitStatus, signal: r.signal, timedOut: timeout.aborted, lines, ms: r.durationMs };
    return { ...probeOutcome(run, kernelImage, timeoutMs), ms: r.durationMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The real host; tests replace parts of it. DEBSTEP_KVM_DEVICE names another device to
 * check: the tests that stand in for a host whose KVM hangs (with a QEMU that plays KVM
 * with TCG) run on hosts without /dev/kvm too. */
export const hostKvm: KvmHost = {
  device: process.env.DEBSTEP_KVM_DEVICE || '/dev/kvm',
  qemu: () => which('qemu-system-x86_64'),
  kernel: (explicit) => chooseKernel(explicit),
  bootId: hostBootId,
  probe: runProbe,
};

/** One answer per cache file (or kernel and QEMU) for the life of this process. */
const answers = new Map<string, Promise<KvmVerdict>>();
const memoKey = (cacheDir: string, key: ProbeKey | undefined, image: string, qemu: string) => (key ? answerFile(cacheDir, key) : `${cacheDir}\0${image}\0${qemu}`);

async function deviceProblem(device: string): Promise<string | undefined> {
  return access(device, constants.R_OK | constants.W_OK).then(
    () => undefined,
    (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? `${device} does not exist` : `${device} is not usable (${err.code}; is the user in the kvm group?)`),
  );
}

/** Whether KVM runs the build's kernel: from /dev/kvm, then a kept answer, then a probe boot. */
export async function kvmVerdict(opts: KvmCheckOptions = {}, host: KvmHost = hostKvm): Promise<KvmVerdict> {
  const denied = await deviceProblem(host.device);
  if (denied) return { works: false, detail: denied };
  const qemu = await host.qemu();
  if (!qemu) return { works: false, detail: 'cannot check KVM: qemu-system-x86_64 is not installed' };
  const kernel = await host.kernel({ ...(opts.kernel ? { kernel: opts.kernel } : {}), ...(opts.modules ? { modules: opts.modules } : {}) }).catch((err: Error) => err);
  if (kernel instanceof Error) return { works: false, detail: `cannot check KVM: ${kernel.message}` };
  const cacheDir = opts.cacheDir ?? defaultVmCacheDir();
  // Without a boot id (no /proc) nothing is kept: an answer must not outlive a reboot.
  const key = await probeKey(kernel.image, qemu, host.bootId).catch(() => undefined);
  const memo = memoKey(cacheDir, key, kernel.image, qemu);
  let answer = answers.get(memo);
  if (!answer) {
    answer = answerKvm(kernel.image, qemu, cacheDir, key, opts, host);
    answers.set(memo, answer);
  }
  return answer;
}

async function answerKvm(image: string, qemu: string, cacheDir: string, key: ProbeKey | undefined, opts: KvmCheckOptions, host: KvmHost): Promise<KvmVerdict> {
  const kept = key && (await readAnswer(cacheDir, key));
  if (kept) return { ...kept, keptIn: answerFile(cacheDir, key) };
  opts.onProbe?.(`checking whether KVM works: booting ${image} under KVM to its init (${PROBE_TIMEOUT_MS / 1000} s at most, once per host boot)`);
  const outcome = await host.probe(qemu, image, cacheDir).catch((err: Error) => ({ verdict: 'inconclusive' as const, detail: `cannot check KVM: ${err.message}`, ms: undefined }));
  const verdict = { works: outcome.verdict === 'works', detail: outcome.detail, ...(outcome.ms !== undefined ? { ms: outcome.ms } : {}) };
  if (outcome.verdict === 'inconclusive' || !key) return verdict;
  // Not kept: only the next build probes again.
  const savedIn = await writeAnswer(cacheDir, key, verdict).catch(() => undefined);
  return savedIn ? { ...verdict, savedIn } : verdict;
}

/**
 * Keeps "KVM does not work" for this kernel and QEMU until the host reboots, when a
 * build's VM under KVM failed although the probe passed; this process and the next build
 * then use TCG at once.
 */
export async function recordKvmFailure(cacheDir: string, kernelImage: string, qemu: string, detail: string, bootId: () => Promise<string> = hostBootId): Promise<void> {
  // No key (no boot id): nothing is kept, so no answer outlives a reboot.
  const key = await probeKey(kernelImage, qemu, bootId).catch(() => undefined);
  const answer: KeptAnswer = { works: false, detail };
  const savedIn = key && (await writeAnswer(cacheDir, key, answer).catch(() => undefined));
  answers.set(memoKey(cacheDir, key, kernelImage, qemu), Promise.resolve(savedIn ? { ...answer, savedIn } : answer));
}

/** Why KVM cannot be used for a build here, or undefined when it works. */
export async function kvmProblem(opts: KvmCheckOptions = {}, host: KvmHost = hostKvm): Promise<string | undefined> {
  const v = await kvmVerdict(opts, host);
  if (v.works) return undefined;
  return v.keptIn ? `${v.detail}; known since earlier this boot` : v.detail;
}
