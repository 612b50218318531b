// What an action's stages get to work with: the build's services (services.ts) seen from
// one action, and `exec`, which runs a command with events, the build-time chroot files
// and failure reporting that every action needs.
import type { ExecRequest, ExecResult, Machine, OutputSink, ShellRequest } from '../../vm/machine.js';
import type { PtySession } from '../../util/pty.js';
import { mkdir, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PidLock } from '../../util/pid-lock.js';
import { waitForLock } from './cache-lock.js';
import { type Diagnosis, isForeign } from '../../vm/binfmt.js';
import { withBuildTimeFiles } from './chroot-files.js';
import { CommandError, HostError } from '../../core/errors.js';
import { which } from '../../util/which.js';
import type { DiskImage } from '../actions/image/build-images.js';
import type { BuildServices, Origins } from './services.js';
import { artifactPath } from '../actions/fields.js';
import { manifestFiles, readRootPackages, writeManifests } from '../manifest/index.js';

export interface ExecOptions {
  /** Return a non-zero exit instead of throwing CommandError. */
  readonly allowFailure?: boolean;
  /** Runs after a failure, before the error is thrown (to show a tool's own log). */
  readonly onFailure?: () => Promise<void>;
}

let nextCommandId = 1;

/** The context one action's stages run with. */
export class StageContext {
  private archChecked: Promise<void> | undefined;
  /** The shared caches this stage holds, by directory. */
  private readonly held = new Map<string, PidLock>();
  /** Set by the runner while the run stage goes: aborting it kills the running command. */
  signal: AbortSignal | undefined;
  /** Set by the runner before postMachineCleanup: how the build ended. */
  buildStatus: 'success' | 'failed' | 'aborted' | undefined;

  constructor(
    private readonly services: BuildServices,
    readonly index: number,
    readonly recipeDir: string,
    readonly architecture: string,
    readonly sectorSize: number,
  ) {}

  get machine(): Machine {
    return this.services.machine;
  }
  get rootDir(): string {
    return this.services.machine.rootDir;
  }
  get artifactDir(): string {
    return this.services.artifactDir;
  }
  get scratchDir(): string {
    return this.services.scratchDir;
  }
  get downloadDir(): string {
    return this.services.downloadDir;
  }
  get origins(): Origins {
    return this.services.origins;
  }
  get env(): Readonly<Record<string, string>> {
    return this.services.env;
  }
  get verbose(): boolean {
    return this.services.verbose;
  }
  /** The epoch timestamps are clamped to when the build makes reproducible output. */
  get sourceDateEpoch(): number | undefined {
    return this.services.sourceDateEpoch;
  }
  /** A cache directory shared between builds (created when missing). */
  async cache(name: string): Promise<string> {
    const dir = this.services.cache(name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The package cache for this architecture, shared by debootstrap, mmdebstrap and apt:
   * this stage has it to itself until it ends (another build's waits, see cache-lock.ts). */
  async packageCache(): Promise<string> {
    const dir = await this.cache(`apt-archives/${this.architecture}`);
    if (!this.held.has(dir)) {
      const say = (pid: number) => this.info(`waiting for the package cache ${dir}: another build (process ${pid}) is using it`);
      this.held.set(dir, await waitForLock(`${dir}.lock`, say, this.signal));
    }
    return dir;
  }

  /** Lets go of the caches this stage took (the runner calls it when a stage ends). */
  async releaseHeld(): Promise<void> {
    const locks = [...this.held.values()];
    this.held.clear();
    for (const lock of locks) await lock.release();
  }

  /** Whether the target's binaries need emulation here. */
  get foreign(): boolean {
    return isForeign(this.architecture);
  }
  hostMirror(): Promise<string> {
    return this.services.hostMirror();
  }

  /** Whether a program is installed where commands run (the VM shares the host's /usr). */
  async hasTool(name: string): Promise<boolean> {
    return (await which(name)) !== undefined;
  }

  /** The path of `origin` for this action. */
  origin(name: string): string {
    return this.services.origins.resolve(name, this.recipeDir);
  }

  /** Where an artifact named in the recipe goes: under the artifact directory, as debos joins it. */
  artifactPath(name: string): string {
    return artifactPath(this.services.artifactDir, name);
  }

  /** The manifests written next to `artifact` (none with --no-manifest). */
  manifestsOf(artifact: string): string[] {
    return this.services.manifests ? manifestFiles(artifact) : [];
  }

  /** A finished artifact holding the tree at `dir` of the root: its manifests are written
   * next to it (manifest/index.ts), from the packages installed there. */
  async artifactMade(artifact: string, dir = '/'): Promise<void> {
    if (!this.services.manifests) return;
    await writeManifests(artifact, await readRootPackages(this.services.machine.files, dir), this.services.sourceDateEpoch);
  }

  /** The root is the image (filesystem-deploy) for the last time: the packages it holds go
   * into the image's manifests, written when the build has succeeded and released it. */
  async imageContentsFinal(): Promise<void> {
    const image = this.image;
    if (!this.services.manifests || !image) return;
    this.services.images.contents.set(image.file, await readRootPackages(this.services.machine.files));
  }

  /** The disk image the actions before this one made (the newest), if any. */
  get image(): DiskImage | undefined {
    return this.services.images.before(this.index);
  }

  /** The image this action made, as far as it got. */
  get ownImage(): DiskImage | undefined {
    return this.services.images.of(this.index);
  }

  /** Publishes this action's image (again, as it gets further); undefined withdraws it. */
  setImage(image: DiskImage | undefined): void {
    if (image) this.services.images.set(this.index, image);
    else this.services.images.delete(this.index);
  }

  info(message: string): void {
    this.services.bus.emit({ type: 'info', index: this.index, message });
  }

  warn(message: string): void {
    this.services.bus.emit({ type: 'warning', index: this.index, message });
  }

  /**
   * Fails early, with the missing piece and its fix, when the target's binaries cannot
   * run here. Checked once per build, before the first command that runs them.
   */
  ensureTargetRuns(): Promise<void> {
    this.archChecked ??= this.services.machine.diagnoseArch(this.architecture).then((d) => {
      if (!d.ok) throw archError(this.architecture, d);
      if (this.verbose) this.services.bus.emit({ type: 'diagnostic', source: 'binfmt', message: d.problem });
    });
    return this.archChecked;
  }

  /** Runs a command on the machine, with events; throws CommandError on failure. */
  async exec(req: ExecRequest, opts: ExecOptions = {}): Promise<ExecResult> {
    const { machine } = this.services;
    if (!req.chroot) return this.run(req, opts, (r, out) => machine.exec(r, out));
    await this.ensureTargetRuns();
    return this.run(req, opts, (r, out) => this.withBuildTimeFiles(() => machine.exec(r, out)));
  }

  /** Runs fn with the build-time files in the root (for a chroot that is not exec's own). */
  async withBuildTimeFiles<T>(fn: () => Promise<T>): Promise<T> {
    return withBuildTimeFiles(this.services.machine.files, await this.services.buildTimeFiles(), fn);
  }

  /** Whether work that needs neither root nor the root is better run with execOutside. */
  get offload(): boolean {
    return this.services.offload;
  }

  /** Whether execOutside runs commands as root. */
  get outsideAsRoot(): boolean {
    return this.services.outsideAsRoot;
  }

  /** Runs a command on the computer debstep runs on, as its user, outside the machine. */
  execOutside(req: Omit<ExecRequest, 'chroot' | 'binds'>, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run({ ...req, chroot: false }, opts, (r, out) => this.services.outside(r, out), this.offload);
  }

  /** `outside`: the command runs outside the VM (for the event). */
  private async run(req: ExecRequest, opts: ExecOptions, launch: (r: ExecRequest, out: OutputSink) => Promise<ExecResult>, outside = false): Promise<ExecResult> {
    const { bus } = this.services;
    const id = nextCommandId++;
    const env = { ...this.services.env, ...req.env };
    bus.emit({ type: 'command', id, index: this.index, label: req.label, argv: req.argv, env, chroot: req.chroot, ...(req.cwd ? { cwd: req.cwd } : {}), ...(outside ? { outside } : {}) });
    const result = await launch({ ...req, env, ...(this.signal ? { signal: this.signal } : {}) }, (stream, text) =>
      bus.emit({ type: 'output', index: this.index, commandId: id, label: req.label, stream, text }),
    );
    bus.emit({ type: 'command-end', id, index: this.index, exitStatus: result.exitStatus, signal: result.signal, durationMs: result.durationMs });
    if (result.exitStatus === 0 || opts.allowFailure) return result;
    await opts.onFailure?.();
    const how = result.exitStatus === null ? `was killed by ${result.signal}` : `failed with exit status ${result.exitStatus}`;
    throw new CommandError(`${req.label}: command ${how}`, req.argv, result.exitStatus, result.signal, result.outputTail, {
      hint: await this.hintFor(result),
    });
  }

  /**
   * An interactive shell with this action's environment: in the root (with the build-time
   * files in place until it exits) or on the build host in `cwd`. The default shell is
   * bash when the root has it, else sh.
   */
  async shell(req: Omit<ShellRequest, 'shell' | 'env'> & { shell?: string }): Promise<PtySession> {
    const { bus, machine } = this.services;
    await this.services.root.ensure();
    const shell = req.shell ?? (!req.chroot || (await machine.files.exists('/bin/bash')) ? '/bin/bash' : '/bin/sh');
    const full: ShellRequest = { ...req, shell, env: { ...this.services.env } };
    this.services.handEdits.root = true;
    bus.emit({ type: 'shell-open', chroot: req.chroot, index: this.index });
    const closed = (status: number | null) => bus.emit({ type: 'shell-close', chroot: req.chroot, exitStatus: status });
    if (!req.chroot) {
      const session = await machine.shell(full);
      session.onExit(closed);
      return session;
    }
    return new Promise<PtySession>((resolve, reject) => {
      this.withBuildTimeFiles(async () => {
        const session = await machine.shell(full);
        resolve(session);
        closed(await new Promise<number | null>((done) => session.onExit(done)));
      }).catch(reject);
    });
  }

  /** A hint for common failure causes: a missing program, a foreign binary that cannot run. */
  private async hintFor(result: ExecResult): Promise<string | undefined> {
    if (result.outputTail.some((l) => l.includes('Exec format error'))) {
      const d = await this.services.machine.diagnoseArch(this.architecture);
      return d.ok ? 'a binary for another architecture could not run' : `${d.problem}${d.remedy ? `; fix: ${d.remedy}` : ''}`;
    }
    if (result.outputTail.some((l) => l.includes("Member name contains '..'"))) {
      return 'the archive has members that lead out of the destination (../); they were refused';
    }
    if (result.exitStatus === 127) return 'exit status 127 means a program was not found';
    if (result.outputTail.some((l) => l.includes('No space left on device'))) return diskFullHint(dirname(this.services.scratchDir));
    return undefined;
  }
}

/** Where the build's root and layers are, how much room is left there, and what to do. */
async function diskFullHint(workspace: string): Promise<string> {
  const fs = await statfs(workspace).catch(() => undefined); // only the numbers are missing then
  const mb = (blocks: number) => Math.floor((blocks * (fs?.bsize ?? 0)) / 1e6);
  const room = fs ? `: ${mb(fs.bavail)} MB free of ${mb(fs.blocks)} MB` : '';
  return `the disk is full where the build writes its root and layers (${workspace}${room}); free some space there, or choose another --state-dir`;
}

export function archError(arch: string, d: Diagnosis): HostError {
  return new HostError(`cannot run ${arch} binaries on this machine: ${d.problem}`, d.remedy ? { hint: `fix: ${d.remedy}` } : {});
}
