// The Machine on this host: host commands run as they are, chroot commands through
// chroot.ts in a private mount namespace. Needs root.
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BlockDevice, ExecRequest, ExecResult, ImageSpec, LayerStore, Machine, OutputSink, RootLayers, ShellRequest } from '../machine.js';
import type { PtySession } from '../../util/pty.js';
import { BuildError } from '../../core/errors.js';
import { bindTargetIsScratch, chrootArgv, INTERACTIVE } from './chroot.js';
import { guarded, hostBaseEnv, hostExec, spawnCommand } from './exec.js';
import { spawnPty } from '../../util/pty.js';
import { HostRootFiles } from './root-files.js';
import { type Diagnosis, diagnoseArch } from '../binfmt.js';
import { hostBinfmtView } from './binfmt-view.js';
import { DirLayerStore } from './layer-store.js';
import { mountOverlay } from './overlay-mount.js';
import { LoopDevice, partitionDevices, quietRun } from './block-devices.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What a volatile overlay leaves in its work directory. */
const VOLATILE_MARK = 'work/incompat/volatile';

/** The environment a chroot command starts from, as systemd-nspawn would give it. */
function chrootBaseEnv(term: string | undefined): Record<string, string> {
  return { PATH, HOME: '/root', USER: 'root', LOGNAME: 'root', SHELL: '/bin/sh', TERM: term ?? 'dumb' };
}

export class HostMachine implements Machine {
  readonly backend = 'host' as const;
  readonly files: HostRootFiles;
  readonly layerStore: LayerStore | undefined;
  /** What is mounted at rootDir: the layers as an overlay, or an image's mounts. */
  private mounted: 'layers' | 'image' | undefined;
  /** The layers mountRoot was last given, kept while an image is the root. */
  private layers: RootLayers | undefined;
  /** Where an image's file systems are mounted, when the image is the root. */
  private imageRoot: string | undefined;
  private readonly loops = new Map<string, LoopDevice>();
  /** Partition nodes made here (no devtmpfs), by the device they belong to. */
  private readonly madeNodes = new Map<string, string[]>();
  private readonly volatileRoot: boolean;
  /** Upper layers mounted before by this machine (see inheritRoot). */
  private readonly initialised = new Set<string>();

  constructor(
    readonly rootDir: string,
    readonly reason: string,
    options: {
      /** The layer cache's store directory, and whether its layers must be synced. */
      readonly store?: { readonly dir: string; readonly durable: boolean };
      /** Mount the root's overlay `volatile` (see overlayOptions). */
      readonly volatileRoot?: boolean;
    } = {},
  ) {
    this.files = new HostRootFiles(rootDir);
    this.layerStore = options.store && new DirLayerStore(options.store.dir, options.store.durable);
    this.volatileRoot = options.volatileRoot ?? false;
  }

  private async checkBinds(req: { binds?: ExecRequest['binds'] }): Promise<void> {
    for (const b of req.binds ?? []) {
      if (!bindTargetIsScratch(b.target) && !(await this.files.exists(b.target))) {
        throw new BuildError(`cannot bind ${b.source} at ${b.target}: only existing paths, /tmp and /run can take binds`);
      }
    }
  }

  async exec(req: ExecRequest, output: OutputSink): Promise<ExecResult> {
    if (!req.chroot) return hostExec(req, output);
    await this.checkBinds(req);
    const env = { ...chrootBaseEnv(undefined), ...req.env };
    const argv = chrootArgv(this.rootDir, req.argv, req.binds, req.cwd);
    return spawnCommand(argv, { env, stdin: req.stdin, signal: req.signal, privateMounts: true }, output);
  }

  async shell(req: ShellRequest): Promise<PtySession> {
    const term = process.env.TERM ?? 'xterm-256color';
    if (!req.chroot) {
      const env = { ...hostBaseEnv(), TERM: term, ...req.env };
      return spawnPty(guarded([...INTERACTIVE, req.shell], false), { env, cwd: req.cwd, cols: req.cols, rows: req.rows });
    }
    await this.checkBinds(req);
    const env = { ...chrootBaseEnv(term), SHELL: req.shell, ...req.env };
    const argv = guarded(chrootArgv(this.rootDir, [req.shell], req.binds, req.cwd, true), true);
    return spawnPty(argv, { env, cols: req.cols, rows: req.rows });
  }

  async diagnoseArch(arch: string): Promise<Diagnosis> {
    return diagnoseArch(arch, await hostBinfmtView((p) => this.files.exists(p)));
  }

  private async run(argv: string[], cwd?: string, env?: Readonly<Record<string, string>>): Promise<void> {
    const lines: string[] = [];
    const r = await spawnCommand(argv, { env: { ...hostBaseEnv(), ...env }, cwd }, (_s, l) => lines.push(l));
    if (r.exitStatus !== 0) throw new BuildError(`${argv.join(' ')} failed: ${lines.join('\n')}`);
  }

  /** Mounts the layers as an overlay on rootDir. This process lives in a private mount
   * namespace (see namespace.ts), so the mount never shows on the host and dies with us.
   * While an image is the root, the layers are only kept for when it stops being one. */
  async mountRoot(layers: RootLayers | undefined): Promise<void> {
    this.layers = layers;
    // The layer is made either way: the layers are mounted again when the image stops being the root.
    for (const d of layers ? [layers.upper, layers.work] : []) await mkdir(resolve(layers!.dir, d), { recursive: true });
    if (this.imageRoot !== undefined) return this.bindImage(this.imageRoot);
    await this.unmountRoot();
    if (!layers) return;
    // overlayfs refuses a work directory a volatile mount used before, as a sign of a
    // crash: the layer was never more durable than that (see overlay-mount.ts, overlayOptions).
    if (this.volatileRoot) await rm(resolve(layers.dir, layers.work, VOLATILE_MARK), { recursive: true, force: true });
    await this.inheritRoot(layers);
    await mountOverlay(layers, this.rootDir, this.volatileRoot, (argv, cwd, env) => this.run(argv, cwd, env));
    this.mounted = 'layers';
  }

  /**
   * The root directory of an overlay is its upper layer's: a new, empty layer takes the
   * mode and owner of the root below it, or a recipe's `chmod 700 /` (or a tarball's root
   * owner) would be gone at the next action. Only on its first mount here: later, what the
   * action did to the root is the layer's own.
   */
  private async inheritRoot(layers: RootLayers): Promise<void> {
    const upper = resolve(layers.dir, layers.upper);
    if (this.initialised.has(upper)) return;
    this.initialised.add(upper);
    if (layers.lowers[0] === undefined || (await readdir(upper)).length > 0) return;
    const below = await stat(resolve(layers.dir, layers.lowers[0]));
    await chmod(upper, below.mode & 0o7777);
    await chown(upper, below.uid, below.gid);
  }

  async showImageAsRoot(dir: string | undefined): Promise<void> {
    this.imageRoot = dir;
    if (dir !== undefined) return this.bindImage(dir);
    if (this.mounted !== 'image') return;
    await this.unmountRoot();
    await this.mountRoot(this.layers);
  }

  /** The image's mounts, submounts included, at rootDir. */
  private async bindImage(dir: string): Promise<void> {
    if (this.mounted === 'image') return;
    await this.unmountRoot();
    await this.run(['mount', '--rbind', dir, this.rootDir]);
    this.mounted = 'image';
  }

  async attachImage(image: ImageSpec): Promise<BlockDevice> {
    // A new sparse file of the image's size, as debos's PreNoMachine makes it (its
    // directory too: an image name may have directories in it).
    await mkdir(dirname(image.path), { recursive: true });
    const file = await open(image.path, 'w');
    try {
      await file.truncate(image.bytes);
    } finally {
      await file.close();
    }
    const loop = await LoopDevice.attach(image.path, image.sectorSize, quietRun);
    this.loops.set(loop.path, loop);
    return { path: loop.path, bytes: image.bytes };
  }

  partitionDevices(device: string, numbers: readonly number[]): Promise<BlockDevice[]> {
    return partitionDevices(device, numbers, quietRun, (node) => this.madeNodes.set(device, [...(this.madeNodes.get(device) ?? []), node]));
  }

  async detachImage(device: string, wait = true): Promise<void> {
    const nodes = this.madeNodes.get(device) ?? [];
    this.madeNodes.delete(device);
    await Promise.all(nodes.map((n) => rm(n, { force: true })));
    const loop = this.loops.get(device);
    this.loops.delete(device);
    await loop?.release(wait);
  }

  async dropLayers(dir: string, names: readonly string[]): Promise<void> {
    // Rename first, so the layers are gone at once; deleting the files can take a while.
    const doomed: string[] = [];
    for (const name of names) {
      const trash = join(dir, `trash-${name}-${randomBytes(3).toString('hex')}`);
      await rename(join(dir, name), trash).then(() => doomed.push(trash), () => {});
    }
    void Promise.all(doomed.map((d) => rm(d, { recursive: true, force: true })));
  }

  private async unmountRoot(): Promise<void> {
    if (!this.mounted) return;
    await this.run(this.mounted === 'image' ? ['umount', '--recursive', this.rootDir] : ['umount', this.rootDir]);
    this.mounted = undefined;
  }

  async close(): Promise<void> {
    await this.unmountRoot();
    // Images an action did not release (its cleanup failed): the kernel detaches them once
    // their mounts go, at the latest with this process's mount namespace.
    for (const device of [...this.loops.keys(), ...this.madeNodes.keys()]) await this.detachImage(device, false).catch(() => {});
  }
}
