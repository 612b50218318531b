// What a QEMU machine is asked for, and the sizes in it read the way debos reads them.
import type { AccelChoice } from './accel.js';
import type { ImageSpec } from '../machine.js';

export type Diagnostic = (source: string, message: string) => void;

export interface QemuMachineOptions {
  /** The target root, at the same path in the guest (ROOTDIR). */
  readonly rootDir: string;
  /** The workspace's layers directory; in the guest an ext4 disk is mounted there. */
  readonly layersDir: string;
  /** The disk image holding the layers; made (sparse, from layersDir's contents) when
   * missing, reused when present. Default: layersDir + ".img". */
  readonly layersImage?: string;
  /** The layer cache's store: a disk image kept between VMs (made, sparse, when missing),
   * mounted at `dir` in the guest. Used when no other VM holds it. */
  readonly layerStore?: { readonly image: string; readonly dir: string };
  /** Size of a new layers image. Default 64GiB (sparse: only what is written is used). */
  readonly layersSize?: string | number;
  /** Host directories shared read-write at the same paths (workspace, artifacts, recipes). */
  readonly shares?: readonly string[];
  /** RAM: "2Gb", "512MB" (binary units, as debos's --memory) or megabytes. Default 2Gb. */
  readonly memory?: string | number;
  /** Default 2, as debos. */
  readonly cpus?: number;
  /** Default auto: KVM when a probe guest runs, else TCG (said in the diagnostics). */
  readonly accel?: AccelChoice;
  /** A sparse ext4 scratch disk of this size ("10G", decimal as debos's --scratchsize, or
   * bytes) mounted at scratchDir; without it scratchDir is a tmpfs. */
  readonly scratchSize?: string | number;
  /** Default /scratch. */
  readonly scratchDir?: string;
  /** Disk images the build makes (image-partition): each is made, sparse, before the VM
   * boots and given to the guest as a disk with its sector size, as fakemachine does. */
  readonly images?: readonly ImageSpec[];
  /** Kernel image and its modules directory; default: the running or newest installed kernel. */
  readonly kernel?: string;
  readonly modules?: string;
  /** Extra kernel command-line arguments. */
  readonly kernelArgs?: readonly string[];
  /** Environment for every command in the guest on top of the basic one and the host's
   * proxy variables (-e). Proxies on the host's loopback are reached through 10.0.2.2. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the unpacked kernel is cached. Default: the user's cache, else a temporary directory. */
  readonly cacheDir?: string;
  /** The guest must be ready within this; default 60 s under TCG, 20 s under KVM. */
  readonly bootTimeoutMs?: number;
  /** A guest silent for this long is taken as hung; default 45 s under TCG, 15 s under KVM. */
  readonly hangTimeoutMs?: number;
  /** Kernel messages at full verbosity, and every console line to onConsole. */
  readonly showBoot?: boolean;
  /** Detailed diagnostics: modules, mounts, the QEMU command line, each command's environment. */
  readonly verbose?: boolean;
  readonly onDiagnostic?: Diagnostic;
  readonly onConsole?: (line: string) => void;
}

// Read and bounded where the command line checks them too (core/vm-sizes.ts).
export { diskBytes, memoryMb } from '../../core/vm-sizes.js';
