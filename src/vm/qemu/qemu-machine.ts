// The Machine inside a throw-away QEMU VM booted from the host's kernel, like debos's
// fakemachine but without KVM if need be and on any host kernel. The guest runs an agent
// that executes requests with HostMachine's code; this class forwards the Machine calls
// to it over the control channel and watches the VM, so a guest that dies or hangs is
// reported within seconds with its last console lines.
import { BuildError } from '../../core/errors.js';
import type { Diagnosis } from '../binfmt.js';
import type { BlockDevice, ExecRequest, ExecResult, ImageSpec, Machine, OutputSink, RootLayers, ShellRequest } from '../machine.js';
import type { PtySession } from '../../util/pty.js';
import type { BootSetup } from './boot-setup.js';
import type { ControlChannel } from './control-channel.js';
import { forGuest } from './guest-env.js';
import { within } from './guest-layout.js';
import { GuestLayerStore } from './guest-layer-store.js';
import { StoreList } from './store-list.js';
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

  /** Made by PreparedVm.launch() once the guest's agent is ready. */
  constructor(
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
    this.layerStore =
      setup.storeDir === undefined ? undefined : new GuestLayerStore(setup.storeDir, (c) => this.channel.call(c), opts.layerStore && new StoreList(opts.layerStore.image));
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
          // A shutdown that fails ends the same way: QEMU is killed just below.
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
