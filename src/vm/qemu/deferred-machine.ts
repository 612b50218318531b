// The VM of a build, prepared at once and booted when something first needs the guest: a
// re-run whose every action comes from the layer cache never boots it. Until then the
// layer store answers from the host's list of its layers (store-list.ts), and closing only
// lets go of the prepared VM (its files and the store's lock).
import type { Diagnosis } from '../binfmt.js';
import type { BlockDevice, ExecRequest, ExecResult, ImageSpec, LayerStore, Machine, OutputSink, RootFiles, RootLayers, ShellRequest } from '../machine.js';
import type { PtySession } from '../../util/pty.js';
import type { QemuMachineOptions } from './options.js';
import { PreparedVm } from './prepared-vm.js';
import type { QemuMachine } from './qemu-machine.js';
import { StoreList } from './store-list.js';

/** What DeferredVm needs of a prepared VM (prepared-vm.ts). */
export interface Bootable {
  readonly reason: string;
  /** Where the guest mounts the layer store, when the VM claimed it. */
  readonly storeDir: string | undefined;
  launch(): Promise<QemuMachine>;
  discard(): void;
}

export class DeferredVm implements Machine {
  readonly backend = 'vm' as const;
  readonly files: RootFiles;
  readonly layerStore: LayerStore | undefined;
  private booting: Promise<QemuMachine> | undefined;
  private booted: QemuMachine | undefined;
  /** What the guest does first once booted, in order (see later()). */
  private pending: Promise<void> = Promise.resolve();
  /** The first queued operation that failed and has not been reported yet. */
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly prepared: Bootable,
    readonly rootDir: string,
    /** The layer store's disk image, when the prepared VM claimed the store. */
    storeImage: string | undefined,
    private readonly say: (source: string, message: string) => void,
  ) {
    const vm = () => this.vm();
    this.files = {
      resolve: async (p) => (await vm()).files.resolve(p),
      exists: async (p) => (await vm()).files.exists(p),
      readFile: async (p) => (await vm()).files.readFile(p),
      writeFile: async (p, d, m) => (await vm()).files.writeFile(p, d, m),
      remove: async (p) => (await vm()).files.remove(p),
      rename: async (a, b) => (await vm()).files.rename(a, b),
      mkdir: async (p, m) => (await vm()).files.mkdir(p, m),
      copyIn: async (s, d) => (await vm()).files.copyIn(s, d),
    };
    const dir = prepared.storeDir;
    this.layerStore =
      dir === undefined || storeImage === undefined ? undefined : new DeferredStore(dir, new StoreList(storeImage), () => this.booted, vm, (op) => this.later(op));
  }

  get reason(): string {
    return this.booted?.reason ?? `${this.prepared.reason}, started when an action first needs it`;
  }

  /** Boots the VM if it has not been. */
  private boot(): Promise<QemuMachine> {
    if (!this.booting) {
      this.say('vm', `starting ${this.prepared.reason}`);
      this.booting = this.prepared.launch().then((m) => (this.booted = m));
    }
    return this.booting;
  }

  /** The VM, booted and done with what was asked of it for later; throws (once) the
   * failure of something queued, since what is asked next counts on it. */
  private async vm(): Promise<QemuMachine> {
    const booting = this.boot();
    await this.pending;
    // A failed boot fails the queued operations too: it is thrown once, as the boot's.
    const failed = this.failure;
    this.failure = undefined;
    const vm = await booting;
    if (failed) throw failed.error;
    return vm;
  }

  private rethrowFailure(): void {
    const failed = this.failure;
    this.failure = undefined;
    if (failed) throw failed.error;
  }

  /**
   * Starts the boot and queues `op` for when the guest runs, without waiting: an action
   * starts with a layer for it in the store and its root's mount, and what it does outside
   * the VM first (debootstrap fetching packages) goes on while the VM boots. A failure
   * comes from the next call that needs the guest (the action's), or from close: what was
   * queued after it is not done (it counts on what failed: a layer, the root's mount).
   */
  private later(op: (vm: QemuMachine) => Promise<void>): void {
    const booting = this.boot();
    // pending never rejects: a failure is kept in `failure` until it is reported.
    this.pending = this.pending.then(async () => {
      if (this.failure) return;
      try {
        await op(await booting);
      } catch (err) {
        this.failure = { error: err };
      }
    });
  }

  async exec(req: ExecRequest, output: OutputSink): Promise<ExecResult> {
    return (await this.vm()).exec(req, output);
  }
  async shell(req: ShellRequest): Promise<PtySession> {
    return (await this.vm()).shell(req);
  }
  async diagnoseArch(arch: string): Promise<Diagnosis> {
    return (await this.vm()).diagnoseArch(arch);
  }
  async mountRoot(layers: RootLayers | undefined): Promise<void> {
    // A VM that never booted has no root mounted to take down.
    if (layers === undefined && !this.booting) return;
    this.later((vm) => vm.mountRoot(layers));
  }
  async dropLayers(dir: string, names: readonly string[]): Promise<void> {
    if (names.length > 0) await (await this.vm()).dropLayers(dir, names);
  }
  async attachImage(image: ImageSpec): Promise<BlockDevice> {
    return (await this.vm()).attachImage(image);
  }
  async partitionDevices(device: string, numbers: readonly number[]): Promise<BlockDevice[]> {
    return (await this.vm()).partitionDevices(device, numbers);
  }
  async detachImage(device: string): Promise<void> {
    await (await this.vm()).detachImage(device);
  }
  async showImageAsRoot(dir: string | undefined): Promise<void> {
    await (await this.vm()).showImageAsRoot(dir);
  }

  /** Closes the VM; then throws a queued operation's failure that nothing reported. */
  async close(): Promise<void> {
    if (!this.booting) return this.prepared.discard();
    await this.pending;
    // A boot that failed has cleaned up after itself, and its error was the caller's.
    await (await this.booting.catch(() => undefined))?.close();
    this.rethrowFailure();
  }
}

/**
 * The store while the VM may not have booted. Whether it has a layer comes from the host's
 * list, or from the guest once it runs (or when there is no list for the disk). Listing
 * and removing, which only pruning does, wait for a build whose VM boots: unused layers
 * are harmless until then.
 */
class DeferredStore implements LayerStore {
  constructor(
    readonly dir: string,
    private readonly known: StoreList,
    private readonly booted: () => QemuMachine | undefined,
    private readonly vm: () => Promise<QemuMachine>,
    private readonly later: (op: (vm: QemuMachine) => Promise<void>) => void,
  ) {}

  private async store(): Promise<LayerStore> {
    return (await this.vm()).layerStore!;
  }

  /** A layer for an action about to run: made in the guest before anything else there. */
  async create(id: string): Promise<void> {
    this.later((vm) => vm.layerStore!.create(id));
  }
  async seal(id: string): Promise<void> {
    await (await this.store()).seal(id);
  }
  async has(id: string): Promise<boolean> {
    const listed = this.booted() ? undefined : await this.known.read();
    return listed ? listed.some((l) => l.id === id) : (await this.store()).has(id);
  }
  /** Before a boot, only what the host knows: a listing is for pruning, not worth a boot. */
  async list(): Promise<readonly { id: string; mtimeMs: number }[]> {
    const vm = this.booted();
    return vm ? vm.layerStore!.list() : ((await this.known.read()) ?? []);
  }
  async remove(ids: readonly string[]): Promise<void> {
    const vm = this.booted();
    if (vm && ids.length > 0) await vm.layerStore!.remove(ids);
  }
}

/** A build's VM: prepared now (so that one that cannot be made fails before any action),
 * booted when first needed. */
export async function deferQemuMachine(opts: QemuMachineOptions): Promise<DeferredVm> {
  const prepared = await PreparedVm.prepare(opts);
  return new DeferredVm(prepared, opts.rootDir, opts.layerStore?.image, opts.onDiagnostic ?? (() => {}));
}
