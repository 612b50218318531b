// A Machine that runs nothing: it records requests and answers from a script, so the
// engine, runner and controller can be tested without root or real tools.
import { BuildImages } from '../../src/engine/actions/image/build-images.js';
import { type EventBus } from '../../src/core/events.js';
import { LazyRoot } from '../../src/engine/workspace/lazy-root.js';
import { Reuse } from '../../src/engine/cache/reuse.js';
import { type BuildServices, Origins } from '../../src/engine/run/services.js';
import { type Workspace } from '../../src/engine/workspace/workspace.js';
import { type Diagnosis } from '../../src/vm/binfmt.js';
import { type BlockDevice, type ExecRequest, type ExecResult, type ImageSpec, type Machine, type OutputSink, type RootFiles, type RootLayers, type ShellRequest } from '../../src/vm/machine.js';
import { type PtySession } from '../../src/util/pty.js';

export interface FakeCall {
  readonly what: 'exec' | 'shell' | 'mountRoot' | 'dropLayers' | 'close' | 'attachImage' | 'partitionDevices' | 'detachImage' | 'showImageAsRoot';
  readonly detail: unknown;
}

/** In-memory root files: path → content. */
export class FakeFiles implements RootFiles {
  readonly files = new Map<string, Buffer>();
  async resolve(path: string) {
    return `/fake-root${path}`;
  }
  async exists(path: string) {
    return this.files.has(path) || [...this.files.keys()].some((k) => k.startsWith(path.endsWith('/') ? path : path + '/'));
  }
  async readFile(path: string) {
    const f = this.files.get(path);
    if (!f) throw new Error(`ENOENT ${path}`);
    return f;
  }
  async writeFile(path: string, data: string | Uint8Array) {
    this.files.set(path, Buffer.from(data));
  }
  async remove(path: string) {
    this.files.delete(path);
  }
  async rename(from: string, to: string) {
    const f = this.files.get(from);
    if (f) this.files.set(to, f);
    this.files.delete(from);
  }
  async mkdir(path: string) {
    this.files.set(`${path}/.dir`, Buffer.alloc(0));
  }
  async copyIn() {}
}

export class FakeMachine implements Machine {
  readonly backend = 'host' as const;
  readonly reason = 'a fake machine for tests';
  readonly rootDir = '/fake-root';
  readonly layerStore = undefined;
  readonly files = new FakeFiles();
  readonly calls: FakeCall[] = [];
  /** Decides each command's exit status and output; default: success, no output. */
  script: (req: ExecRequest) => { status: number; output?: string[] } = () => ({ status: 0 });

  async exec(req: ExecRequest, output: OutputSink): Promise<ExecResult> {
    this.calls.push({ what: 'exec', detail: req });
    const { status, output: lines = [] } = this.script(req);
    for (const l of lines) output('stdout', l);
    return { exitStatus: status, signal: null, durationMs: 1, outputTail: lines.slice(-20) };
  }

  async shell(req: ShellRequest): Promise<PtySession> {
    this.calls.push({ what: 'shell', detail: req });
    let exit: ((s: number | null) => void) | undefined;
    return {
      onData: () => {},
      onExit: (l) => void (exit = l),
      write: () => {},
      resize: () => {},
      kill: () => exit?.(0),
    };
  }

  async diagnoseArch(arch: string): Promise<Diagnosis> {
    return { ok: true, problem: `${arch} runs (fake)` };
  }

  async mountRoot(layers: RootLayers | undefined) {
    this.calls.push({ what: 'mountRoot', detail: layers });
  }

  async dropLayers(_dir: string, names: readonly string[]) {
    this.calls.push({ what: 'dropLayers', detail: names });
  }

  /** Disk images: /dev/fake0 and its partitions /dev/fake0p1…, 1 MiB each. */
  async attachImage(image: ImageSpec): Promise<BlockDevice> {
    this.calls.push({ what: 'attachImage', detail: image });
    return { path: '/dev/fake0', bytes: image.bytes };
  }

  async partitionDevices(device: string, numbers: readonly number[]): Promise<BlockDevice[]> {
    this.calls.push({ what: 'partitionDevices', detail: { device, numbers } });
    return numbers.map((n) => ({ path: `${device}p${n}`, bytes: 1 << 20 }));
  }

  async detachImage(device: string) {
    this.calls.push({ what: 'detachImage', detail: device });
  }

  async showImageAsRoot(dir: string | undefined) {
    this.calls.push({ what: 'showImageAsRoot', detail: dir });
  }

  async close() {
    this.calls.push({ what: 'close', detail: undefined });
  }
}

/** The build services build.ts makes, over `machine`, with artifacts in `dir`. */
export function fakeServices(machine: Machine, bus: EventBus, ws: Workspace, dir: string, env: Record<string, string> = { http_proxy: 'http://proxy:3128' }): BuildServices {
  return {
    machine, bus, artifactDir: dir, scratchDir: ws.scratch, downloadDir: ws.downloads,
    cache: (n) => ws.cache(n), origins: new Origins(dir, machine.rootDir), env,
    verbose: false, buildTimeFiles: async () => [], hostMirror: async () => 'http://mirror.invalid/debian', handEdits: { root: false },
    root: new LazyRoot(machine, ws),
    outside: (req, output) => machine.exec(req, output),
    offload: false,
    outsideAsRoot: false,
    images: new BuildImages(),
    manifests: false,
  };
}

/** What runSteps needs besides the steps and control, without a layer cache. */
export const uncachedRun = (services: BuildServices, ws: Workspace) => ({
  machine: services.machine, workspace: ws, bus: services.bus, root: services.root,
  reuse: new Reuse(undefined, 'amd64', {}, services.artifactDir, [], () => services.handEdits.root),
});
