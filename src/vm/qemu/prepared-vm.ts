// A VM made ready to boot, and its boot. Preparing is the host's part (the acceleration,
// the kernel, the initramfs, the disks with the layer store claimed, QEMU's command line)
// and takes a fraction of a second; booting is QEMU's, seconds under TCG. A build
// prepares at once, so that a VM that cannot be made fails before any action, and boots
// when an action first needs the guest (deferred-machine.ts).
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordKvmFailure } from './accel-probe.js';
import { KVM_HINT } from './accel.js';
import { type BootSetup, prepareBoot, vmCacheDir } from './boot-setup.js';
import { ControlChannel, type ReadyInfo } from './control-channel.js';
import { PROBE_TIMEOUT_MS } from './kvm-probe-guest.js';
import type { QemuMachineOptions } from './options.js';
import { QemuMachine } from './qemu-machine.js';
import { QemuProcess } from './qemu-process.js';
import { VmFailure } from './vm-failure.js';

type Say = (source: string, message: string) => void;

export class PreparedVm {
  private launched = false;

  private constructor(
    private readonly opts: QemuMachineOptions,
    private setup: BootSetup,
    private tempDir: string,
    /** The machine's files (its temporary directory, the store's lock), removed when it is
     * closed or discarded, or when debstep exits without either. */
    private readonly leftovers: string[],
    private readonly removeLeftovers: () => void,
    private readonly say: Say,
    private readonly detail: Say,
    /** How long preparing took, for the boot's report. */
    private readonly preparedMs: number,
  ) {}

  static async prepare(opts: QemuMachineOptions): Promise<PreparedVm> {
    const say = opts.onDiagnostic ?? (() => {});
    // A second preparation (under TCG, after KVM failed) repeats only what changed.
    const said = new Set<string>();
    const sayOnce: Say = (source, message) => {
      if (said.has(`${source}\0${message}`)) return;
      said.add(`${source}\0${message}`);
      say(source, message);
    };
    const started = Date.now();
    const tempDir = await mkdtemp(join(tmpdir(), 'debstep-vm-'));
    // QEMU dies with us (pdeathsig); its files go too if we exit without close().
    const leftovers = [tempDir];
    const removeLeftovers = () => leftovers.splice(0).forEach((p) => rmSync(p, { recursive: true, force: true }));
    process.once('exit', removeLeftovers);
    try {
      const detail = opts.verbose ? sayOnce : () => {};
      const setup = await prepareBoot(opts, tempDir, (p) => leftovers.push(p), sayOnce, detail);
      return new PreparedVm(opts, setup, tempDir, leftovers, removeLeftovers, sayOnce, detail, Date.now() - started);
    } catch (err) {
      process.off('exit', removeLeftovers);
      removeLeftovers();
      throw err;
    }
  }

  /** Why this VM, in a sentence: its acceleration and kernel. */
  get reason(): string {
    return `a QEMU VM with ${this.setup.accel.reason}, booting ${this.setup.kernel.release}`;
  }

  /** Where the guest mounts the layer store, when this VM has claimed it. */
  get storeDir(): string | undefined {
    return this.setup.storeDir;
  }

  /** Lets go of a VM that never booted: its files and the layer store's lock. */
  discard(): void {
    process.off('exit', this.removeLeftovers);
    this.removeLeftovers();
  }

  /** Boots the VM and waits for its agent; a guest that KVM cannot run boots again under
   * TCG when the acceleration was left to auto. Once only. */
  async launch(): Promise<QemuMachine> {
    if (this.launched) throw new Error('a prepared VM boots once');
    this.launched = true;
    const { opts, say } = this;
    const started = Date.now();
    let qemu: QemuProcess | undefined;
    let channel: ControlChannel | undefined;
    const onLine = (line: string) => {
      if (opts.showBoot) (opts.onConsole ?? ((l: string) => say('console', l)))(line);
      else if (line.startsWith('debstep-init: ')) this.detail('guest', line.slice('debstep-init: '.length));
    };
    try {
      for (;;) {
        const setup = this.setup;
        channel = await ControlChannel.listen(setup.controlSocket, (m) => say('agent', m));
        const launched = Date.now();
        qemu = new QemuProcess(setup.argv, onLine);
        const tcg = setup.accel.accel === 'tcg';
        const ready = await waitReady(channel, qemu, readyBounds(setup.accel.accel, opts)).catch((err: unknown) => {
          if (tcg || !(err instanceof NotReady) || !err.kvmsFault) throw err;
          return err;
        });
        if (!(ready instanceof NotReady)) {
          say('vm', `agent ready ${Date.now() - started} ms after start (prepared in ${this.preparedMs} ms before; QEMU ran ${Date.now() - launched} ms; guest kernel ${ready.kernel} up ${ready.uptime.toFixed(2)} s; node loaded the agent in ${ready.agentLoaded.toFixed(2)} s, ready after ${ready.agentUptime.toFixed(2)} s)`);
          const machine = new QemuMachine(opts, setup, qemu, channel, this.tempDir, this.removeLeftovers, this.reason, opts.hangTimeoutMs ?? (tcg ? 45_000 : 15_000));
          // Without the list a re-run boots the VM to find its layers: slower, not wrong.
          await machine.layerStore?.recordContents().catch((err: unknown) => say('cache', `could not list the layer store's contents on the host: ${(err as Error).message}`));
          return machine;
        }
        await qemu.kill();
        await channel.close();
        qemu = channel = undefined;
        // Kept until the host reboots: the next build (and the boot below) use TCG at once.
        const failed = `a VM under KVM booting ${setup.kernel.image} ${ready.summary}`;
        await recordKvmFailure(vmCacheDir(opts), setup.kernel.image, setup.argv[0]!, failed);
        if (opts.accel === 'kvm') throw new VmFailure(`KVM was requested, but the VM under KVM ${ready.what}`, ready.consoleTail, { hint: KVM_HINT });
        say('accel', `the VM under KVM ${ready.summary}: booting again under TCG`);
        // That machine is gone: its files (and any lock it held) go with it.
        this.removeLeftovers();
        this.tempDir = await mkdtemp(join(tmpdir(), 'debstep-vm-'));
        this.leftovers.push(this.tempDir);
        this.setup = await prepareBoot(opts, this.tempDir, (p) => this.leftovers.push(p), say, this.detail);
        if (this.setup.accel.accel !== 'tcg') throw new VmFailure(`the VM under KVM ${ready.what}`, ready.consoleTail);
      }
    } catch (err) {
      await qemu?.kill();
      await channel?.close();
      this.discard();
      throw err;
    }
  }
}

/** Boots a QEMU VM and returns it once its agent is ready. */
export async function startQemuMachine(opts: QemuMachineOptions): Promise<QemuMachine> {
  return (await PreparedVm.prepare(opts)).launch();
}

/** A guest that did not get ready: what it did instead, and whether KVM is to blame. */
class NotReady extends VmFailure {
  constructor(
    /** "did not get ready within 10 s", and the like. */
    readonly what: string,
    consoleTail: readonly string[],
    /** A hang, or QEMU's own error: not init's or the kernel's complaint about the guest. */
    readonly kvmsFault: boolean,
  ) {
    super(`the VM ${what}`, consoleTail);
  }

  /** What happened, with the console's last line if it printed any. */
  get summary(): string {
    const last = this.consoleTail.at(-1);
    return last === undefined ? this.what : `${this.what} (its console's last line: ${JSON.stringify(last)})`;
  }
}

interface ReadyBounds {
  /** The agent must be ready within this. */
  readonly readyMs: number;
  /** The console must print something within this (init prints from its first step). */
  readonly silentMs?: number;
}

/**
 * How long a guest may take. Under KVM the agent is ready about a second after start:
 * 10 s is far beyond a healthy guest on a busy host, while a guest KVM cannot run costs
 * at most that before it boots again under TCG (once per host boot: the failure is kept).
 * Its console must speak (init's first line) within the probe's bound for the same point
 * of the boot. Under TCG this project's 2-core machine has the agent ready after 2.8 s,
 * but with other builds sharing the cores a guest has been seen silent for 30 s: it gets
 * 60 s to be ready, and no separate bound for silence.
 */
function readyBounds(accel: 'kvm' | 'tcg', opts: QemuMachineOptions): ReadyBounds {
  if (accel === 'kvm') return { readyMs: opts.bootTimeoutMs ?? 10_000, silentMs: PROBE_TIMEOUT_MS };
  return { readyMs: opts.bootTimeoutMs ?? 60_000 };
}

const QEMU_ERROR = /^qemu-system-[\w-]+: /;
const GUEST_COMPLAINT = /debstep-(init|agent): FATAL|Kernel panic/;

async function waitReady(channel: ControlChannel, qemu: QemuProcess, bounds: ReadyBounds): Promise<ReadyInfo> {
  const timers: NodeJS.Timeout[] = [];
  const died = qemu.exited.then((exit) => {
    const tail = qemu.lastLines();
    const qemusOwn = tail.some((l) => QEMU_ERROR.test(l)) && !tail.some((l) => GUEST_COMPLAINT.test(l));
    throw new NotReady(`stopped before its agent was ready (QEMU exit status ${exit.code})`, tail, qemusOwn);
  });
  const hung = new Promise<never>((_, reject) => {
    timers.push(setTimeout(() => reject(new NotReady(`did not get ready within ${bounds.readyMs / 1000} s`, qemu.lastLines(), true)), bounds.readyMs));
    const silentMs = bounds.silentMs;
    if (silentMs !== undefined && silentMs < bounds.readyMs) {
      timers.push(setTimeout(() => {
        if (qemu.lastLines().length === 0) reject(new NotReady(`printed nothing on its console within ${silentMs / 1000} s`, [], true));
      }, silentMs));
    }
  });
  try {
    return await Promise.race([channel.ready, died, hung]);
  } finally {
    timers.forEach(clearTimeout);
  }
}

