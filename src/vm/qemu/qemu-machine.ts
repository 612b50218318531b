// The Machine inside a throw-away QEMU VM booted from the host's kernel, like debos's
// fakemachine but without KVM if need be and on any host kernel. The guest runs an agent
// that executes requests with HostMachine's code; this class forwards the Machine calls
// to it over the control channel and watches the VM, so a guest that dies or hangs is
// reported within seconds with its last console lines.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildError } from '../../core/errors.js';
import type { Diagnosis } from '../binfmt.js';
import type { BlockDevice, ExecRequest, ExecResult, ImageSpec, Machine, OutputSink, RootLayers, ShellRequest } from '../machine.js';
import type { PtySession } from '../../util/pty.js';
import { recordKvmFailure } from './accel-probe.js';
import { KVM_HINT } from './accel.js';
import { PROBE_TIMEOUT_MS } from './kvm-probe-guest.js';
import { type BootSetup, prepareBoot, vmCacheDir } from './boot-setup.js';
import { ControlChannel, type ReadyInfo } from './control-channel.js';
import { forGuest } from './guest-env.js';
import { within } from './guest-layout.js';
import { GuestLayerStore } from './guest-layer-store.js';
import { GuestRootFiles } from './guest-root-files.js';
import type { QemuMachineOptions } from './options.js';
import { QemuProcess } from './qemu-process.js';
import { VmFailure } from './vm-failure.js';

export type { QemuMachineOptions } from './options.js';

export class QemuMachine implements Machine {
  readonly backend = 'vm' as const;
  readonly files: GuestRootFiles;
  readonly layerStore: GuestLayerStore | undefined;
  private readonly watchdog: NodeJS.Timeout;
  private closing: Promise<void> | undefined;
  /** Disk images attached before, by file: attached again, they are emptied first. */
  private readonly usedImages = new Set<string>();

  private constructor(
    private readonly opts: QemuMachineOptions,
    private readonly setup: BootSetup,
    private readonly qemu: QemuProcess,
    private readonly channel: ControlChannel,
    tempDir: string,
    private readonly removeLeftovers: () => void,
    readonly reason: string,
    hangTimeoutMs: number,
  ) {
    this.files = new GuestRootFiles((c) => this.channel.call(c), (p) => this.visible(p), tempDir);
    this.layerStore = setup.storeDir === undefined ? undefined : new GuestLayerStore(setup.storeDir, (c) => this.channel.call(c));
    // A dead QEMU or a silent guest fails whatever waits on it, at once.
    void qemu.exited.then((exit) =>
      this.channel.fail(this.closing ? new BuildError('the VM has been shut down') : new VmFailure(`the VM stopped unexpectedly (QEMU exit status ${exit.code})`, qemu.lastLines())),
    );
    this.watchdog = setInterval(() => {
      const silent = Date.now() - channel.lastHeard;
      if (silent > hangTimeoutMs && !this.closing) {
        channel.fail(new VmFailure(`the VM stopped responding (nothing from its agent for ${Math.round(silent / 1000)} s)`, qemu.lastLines()));
        void qemu.kill();
      }
    }, 1000);
    this.watchdog.unref();
  }

  get rootDir(): string {
    return this.opts.rootDir;
  }

  /** Boots the VM and waits for its agent; a guest that KVM cannot run boots again under
   * TCG when the acceleration was left to auto. */
  static async start(opts: QemuMachineOptions): Promise<QemuMachine> {
    const say = opts.onDiagnostic ?? (() => {});
    const detail = opts.verbose ? say : () => {};
    const started = Date.now();
    let tempDir = await mkdtemp(join(tmpdir(), 'debstep-vm-'));
    // QEMU dies with us (pdeathsig); its files go too if we exit without close().
    const leftovers = [tempDir];
    const removeLeftovers = () => leftovers.forEach((p) => rmSync(p, { recursive: true, force: true }));
    process.once('exit', removeLeftovers);
    let qemu: QemuProcess | undefined;
    let channel: ControlChannel | undefined;
    try {
      // A second boot (under TCG) repeats only what changed.
      const said = new Set<string>();
      const sayOnce = (source: string, message: string) => {
        if (said.has(`${source}\0${message}`)) return;
        said.add(`${source}\0${message}`);
        say(source, message);
      };
      let setup = await prepareBoot(opts, tempDir, (p) => leftovers.push(p), sayOnce, detail);
      const onLine = (line: string) => {
        if (opts.showBoot) (opts.onConsole ?? ((l: string) => say('console', l)))(line);
        else if (line.startsWith('debstep-init: ')) detail('guest', line.slice('debstep-init: '.length));
      };
      for (;;) {
        channel = await ControlChannel.listen(setup.controlSocket, (m) => say('agent', m));
        const launched = Date.now();
        qemu = new QemuProcess(setup.argv, onLine);
        const tcg = setup.accel.accel === 'tcg';
        const ready = await waitReady(channel, qemu, readyBounds(setup.accel.accel, opts)).catch((err: unknown) => {
          if (tcg || !(err instanceof NotReady) || !err.kvmsFault) throw err;
          return err;
        });
        if (!(ready instanceof NotReady)) {
          const bootMs = Date.now() - started;
          say('vm', `agent ready ${bootMs} ms after start (QEMU ran ${Date.now() - launched} ms; guest kernel ${ready.kernel} up ${ready.uptime.toFixed(2)} s; node loaded the agent in ${ready.agentLoaded.toFixed(2)} s, ready after ${ready.agentUptime.toFixed(2)} s)`);
          const reason = `a QEMU VM with ${setup.accel.reason}, booting ${setup.kernel.release}`;
          return new QemuMachine(opts, setup, qemu, channel, tempDir, removeLeftovers, reason, opts.hangTimeoutMs ?? (tcg ? 45_000 : 15_000));
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
        leftovers.splice(0).forEach((p) => rmSync(p, { recursive: true, force: true }));
        tempDir = await mkdtemp(join(tmpdir(), 'debstep-vm-'));
        leftovers.push(tempDir);
        setup = await prepareBoot(opts, tempDir, (p) => leftovers.push(p), sayOnce, detail);
        if (setup.accel.accel !== 'tcg') throw new VmFailure(`the VM under KVM ${ready.what}`, ready.consoleTail);
      }
    } catch (err) {
      await qemu?.kill();
      await channel?.close();
      process.off('exit', removeLeftovers);
      removeLeftovers();
      throw err;
    }
  }

  /** Whether the guest sees `hostPath` at the same path: on a share, or its own root, layers or scratch. */
  private visible(hostPath: string): boolean {
    const own = [this.opts.rootDir, this.opts.layersDir, this.opts.scratchDir ?? '/scratch'];
    return own.some((d) => within(hostPath, d)) || this.setup.mounts.some((m) => m.path === m.hostPath && within(hostPath, m.path));
  }

  private checkVisible(req: { chroot: boolean; binds?: ExecRequest['binds']; cwd?: string }): void {
    for (const b of req.binds ?? []) {
      if (!this.visible(b.source)) {
        throw new BuildError(`cannot bind ${b.source} into the root: the VM does not see that host directory`, { hint: 'share it (or a directory above it) with the VM' });
      }
    }
    if (!req.chroot && req.cwd && req.cwd !== '/' && !this.visible(req.cwd)) {
      throw new BuildError(`cannot run a command in ${req.cwd}: the VM does not see that host directory`, { hint: 'share it (or a directory above it) with the VM' });
    }
  }

  async exec(req: ExecRequest, output: OutputSink): Promise<ExecResult> {
    this.checkVisible(req);
    if (this.opts.verbose) {
      const env = Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
      this.opts.onDiagnostic?.('exec', `${req.label}: ${req.chroot ? 'in the root' : 'in the VM'}${req.cwd ? ` in ${req.cwd}` : ''}: ${req.argv.join(' ')}${env ? ` (env ${env})` : ''}`);
    }
    return this.channel.exec(req.env ? { ...req, env: forGuest(req.env) } : req, output);
  }

  async shell(req: ShellRequest): Promise<PtySession> {
    this.checkVisible(req);
    return this.channel.shell(req.env ? { ...req, env: forGuest(req.env) } : req);
  }

  async diagnoseArch(arch: string): Promise<Diagnosis> {
    return (await this.channel.call({ method: 'diagnoseArch', arch })) as Diagnosis;
  }

  async mountRoot(layers: RootLayers | undefined): Promise<void> {
    await this.channel.call({ method: 'mountRoot', layers: layers ? { ...layers, lowers: [...layers.lowers] } : null });
  }

  async dropLayers(dir: string, names: readonly string[]): Promise<void> {
    await this.channel.call({ method: 'dropLayers', dir, names: [...names] });
  }

  /** The disk made for `image` before boot: the guest cannot be given a new disk later. */
  async attachImage(image: ImageSpec): Promise<BlockDevice> {
    const declared = this.setup.images.find((i) => i.path === image.path);
    const spec = this.opts.images?.find((i) => i.path === image.path);
    if (!declared || !spec || spec.bytes !== image.bytes || spec.sectorSize !== image.sectorSize) {
      throw new BuildError(`the disk image ${image.path} (${image.bytes} bytes, ${image.sectorSize}-byte sectors) was not made when the VM started: its disks are made from the recipe before it boots`, {
        hint: 'an image-partition action added or changed after the build started (an edit in the debugger) needs a new build',
      });
    }
    const wipe = this.usedImages.has(image.path);
    this.usedImages.add(image.path);
    return (await this.channel.call({ method: 'imageDisk', serial: declared.serial, wipe })) as BlockDevice;
  }

  async partitionDevices(device: string, numbers: readonly number[]): Promise<BlockDevice[]> {
    return (await this.channel.call({ method: 'partitionDevices', device, numbers: [...numbers] })) as BlockDevice[];
  }

  async detachImage(device: string): Promise<void> {
    await this.channel.call({ method: 'detachImage', device });
  }

  async showImageAsRoot(dir: string | undefined): Promise<void> {
    await this.channel.call({ method: 'showImageAsRoot', dir: dir ?? null });
  }

  /** Shuts the guest down cleanly (so the layers disk is consistent), then makes sure QEMU
   * is gone and the temporary files with it. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.qemu.running && !this.channel.failed) {
          const clean = this.channel.shutdown().then(() => this.qemu.exited);
          await Promise.race([clean, new Promise((r) => setTimeout(r, 20_000).unref())]).catch(() => {});
        }
      } finally {
        clearInterval(this.watchdog);
        await this.qemu.kill();
        await this.channel.close();
        process.off('exit', this.removeLeftovers);
        this.removeLeftovers();
      }
    })();
    return this.closing;
  }
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

/** Boots a QEMU VM for a build and returns it once its agent is ready. */
export const startQemuMachine = (opts: QemuMachineOptions): Promise<QemuMachine> => QemuMachine.start(opts);
