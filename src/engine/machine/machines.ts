// Making the Machine a build (or `debstep shell`) runs on: the host as root, or a VM.
import { join } from 'node:path';
import type { ExecRequest, ExecResult, ImageSpec, Machine, OutputSink } from '../../vm/machine.js';
import { hostExec } from '../../vm/host/exec.js';
import { HostMachine } from '../../vm/host/host-machine.js';
import { mayMount } from '../../vm/host/privilege.js';
import type { Accel, BackendChoice } from './backend.js';
import { HostError } from '../../core/errors.js';
import type { Workspace } from '../workspace/workspace.js';
import { vmCacheDirOf } from '../../vm/qemu/accel-probe.js';

/** The VM's settings, from debos's flags and ours. */
export interface VmSettings {
  readonly accel: Accel;
  /** Read and bounded by the command line (core/vm-sizes.ts). */
  readonly memoryMb?: number | undefined;
  readonly cpus?: number | undefined;
  readonly scratchBytes?: number | undefined;
  readonly kernel?: string | undefined;
  readonly modules?: string | undefined;
  readonly showBoot: boolean;
}

export interface MachineSettings extends VmSettings {
  readonly verbose: boolean;
  readonly env: Readonly<Record<string, string>>;
  /** Directories the VM must see besides the workspace and caches (artifacts, recipes). */
  readonly shares: readonly string[];
  /** Disk images the build makes: a VM gets each as a disk from boot on. */
  readonly images?: readonly ImageSpec[];
  readonly onDiagnostic: (source: string, message: string) => void;
  readonly onConsole: (line: string) => void;
}

/** The layer cache's index for a backend; each backend keeps its layers in its own store
 * (`store/` there: a directory on the host, a disk image's mount in the VM). */
export const layerCacheDir = (ws: Workspace, backend: 'host' | 'vm'): string => ws.cache(backend === 'host' ? 'layers' : 'vm-layers');

/** How commands outside the machine run: on the host backend, on the machine itself. */
export function outsideRunner(machine: Machine): (req: ExecRequest, output: OutputSink) => Promise<ExecResult> {
  return machine.backend === 'host' ? (req, output) => machine.exec(req, output) : hostExec;
}

export async function createMachine(choice: BackendChoice, ws: Workspace, settings: MachineSettings): Promise<Machine> {
  if (choice.backend === 'host') {
    if (!mayMount()) {
      throw new HostError('the host backend needs root with CAP_SYS_ADMIN (it mounts and chroots)', { hint: 'run as root (in a container: --privileged), or build with --backend vm' });
    }
    return new HostMachine(ws.root, choice.reason, { store: { dir: join(layerCacheDir(ws, 'host'), 'store'), durable: false } });
  }
  // Loaded only for VM builds: host builds never pay for it.
  const { deferQemuMachine } = await import('../../vm/qemu/deferred-machine.js');
  const s = settings;
  return deferQemuMachine({
    rootDir: ws.root,
    layersDir: ws.layersDir,
    // Everything at the same paths as here: the workspace, the caches, artifacts, recipes.
    shares: [...new Set([ws.dir, ws.cacheRoot, ...s.shares])],
    accel: s.accel,
    ...(s.memoryMb ? { memory: s.memoryMb } : {}),
    ...(s.cpus ? { cpus: s.cpus } : {}),
    ...(s.scratchBytes ? { scratchSize: s.scratchBytes } : {}),
    ...(s.kernel ? { kernel: s.kernel } : {}),
    ...(s.modules ? { modules: s.modules } : {}),
    cacheDir: vmCacheDirOf(ws.stateDir),
    layerStore: { image: join(layerCacheDir(ws, 'vm'), 'store.img'), dir: join(layerCacheDir(ws, 'vm'), 'store') },
    ...(s.images ? { images: s.images } : {}),
    env: s.env,
    showBoot: s.showBoot,
    verbose: s.verbose,
    onDiagnostic: s.onDiagnostic,
    onConsole: s.onConsole,
  });
}
