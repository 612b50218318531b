// The Machine: where an action's commands run. HostMachine runs them on this host (chroot
// commands in a private mount namespace); QemuMachine inside a VM. The engine, the
// controller, the TUI and the actions only ever see this interface.
import type { Stream } from '../core/stream.js';
import type { Diagnosis } from './binfmt.js';
import type { RunResult } from '../util/process.js';
import type { PtySession } from '../util/pty.js';

/** A host path made visible inside the target root for one chroot command. */
export interface Bind {
  /** Path on the build host. */
  readonly source: string;
  /** Path inside the root. Must be under /tmp or /run (tmpfs), so the image is untouched. */
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface ExecRequest {
  readonly argv: readonly string[];
  /** In the target root (chroot) rather than on the build host. */
  readonly chroot: boolean;
  /** Short name shown before each output line (`label | line`). */
  readonly label: string;
  /** Variables on top of the base environment (proxies, -e variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory: a build-host path, or a path inside the root for chroot. */
  readonly cwd?: string;
  readonly binds?: readonly Bind[];
  /** Data for the command's stdin; /dev/null when absent. */
  readonly stdin?: string;
  readonly signal?: AbortSignal;
}

/** How a command ended, with the last lines of its output. */
export type ExecResult = RunResult;

/** Receives a command's output line by line, as it comes. */
export type OutputSink = (stream: Stream, line: string) => void;

export interface ShellRequest {
  /** Inside the root (chroot), or on the build host in `cwd`. */
  readonly chroot: boolean;
  readonly shell: string;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly binds?: readonly Bind[];
  readonly cols: number;
  readonly rows: number;
}

/** File operations inside the target root. Paths are as the chroot sees them: an
 * absolute symlink inside the root resolves inside the root, never to the host. */
export interface RootFiles {
  /** The host path a root path resolves to (symlinks followed inside the root). */
  resolve(path: string): Promise<string>;
  exists(path: string): Promise<boolean>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, data: string | Uint8Array, mode?: number): Promise<void>;
  remove(path: string): Promise<void>;
  /** Renames within the root; a symlink is moved itself, not its target. */
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, mode?: number): Promise<void>;
  /** Copies a host directory or file into the root the way debos's overlay does: file
   * modes kept, ownership and timestamps not, symlinks recreated, existing ones kept. */
  copyIn(hostSource: string, destination: string): Promise<void>;
}

/**
 * Layers kept between builds (the layer cache's store), on the file system the machine
 * mounts roots from: the host's state directory, or a disk of the VM's own. Each layer is
 * `<dir>/<id>` with its overlayfs work directory `<dir>/<id>.work`.
 */
export interface LayerStore {
  readonly dir: string;
  /** Makes an empty layer. */
  create(id: string): Promise<void>;
  has(id: string): Promise<boolean>;
  /** Every layer, with the time it was last changed. */
  list(): Promise<readonly { readonly id: string; readonly mtimeMs: number }[]>;
  remove(ids: readonly string[]): Promise<void>;
  /** Writes a layer's contents through to its disk before it is published (a VM may be
   * killed before its page cache is written back). */
  seal(id: string): Promise<void>;
}

/**
 * A disk image an action makes (image-partition), known from the plan before the machine
 * starts: a VM has it as a disk from boot on, as fakemachine does (debos's PreMachine);
 * the host attaches it as a loop device when the action runs.
 */
export interface ImageSpec {
  /** The image file on the computer debstep runs on (in the artifact directory). */
  readonly path: string;
  readonly bytes: number;
  /** Logical and physical sector size of the device: 512 or 4096. */
  readonly sectorSize: number;
}

/** A block device as the machine sees it. */
export interface BlockDevice {
  /** Its node: /dev/loop3, /dev/loop3p1 on the host, /dev/vdb, /dev/vdb1 in a VM. */
  readonly path: string;
  readonly bytes: number;
}

export interface Machine {
  readonly backend: 'host' | 'vm';
  /** Why this backend was chosen, in a sentence: shown in the log and the TUI header. */
  readonly reason: string;
  /** The target root as commands on the build host see it (ROOTDIR). */
  readonly rootDir: string;
  readonly files: RootFiles;
  /** Runs a command, streaming its output to `output`. Never throws for a non-zero exit. */
  exec(req: ExecRequest, output: OutputSink): Promise<ExecResult>;
  /** An interactive shell with the environment an action would get. */
  shell(req: ShellRequest): Promise<PtySession>;
  /** Whether `arch` binaries can run here (binfmt_misc and qemu-user), and if not why. */
  diagnoseArch(arch: string): Promise<Diagnosis>;
  /** Makes the root show the given layers: `upper` receives writes, `lowers` (newest first)
   * are read-only. Creates the upper and work directories when missing. Called before each
   * action, so earlier roots can be restored. `undefined` unmounts (no layers yet). */
  mountRoot(layers: RootLayers | undefined): Promise<void>;
  /** Deletes layer directories (names relative to `dir`) that no root uses any more. */
  dropLayers(dir: string, names: readonly string[]): Promise<void>;
  /** Where layers kept between builds live; undefined when this machine has none to use. */
  readonly layerStore: LayerStore | undefined;
  /**
   * The block device of a disk image, blank (all zeros, sparse): on the host the file is
   * made (or emptied) now and attached as a loop device with partition scanning, which
   * the kernel detaches by itself once debstep is gone, even after SIGKILL; in a VM it is
   * the disk made for `image` before the VM booted (or emptied again).
   */
  attachImage(image: ImageSpec): Promise<BlockDevice>;
  /**
   * The devices of partitions `numbers` of an attached image, in that order, once their
   * nodes exist: the kernel is told the partition table when it has not read it itself
   * (a kernel without partition table support, a re-read that dropped them), and nodes
   * are waited for, bounded (there may be no udev).
   */
  partitionDevices(device: string, numbers: readonly number[]): Promise<BlockDevice[]>;
  /** Lets go of an image's device once nothing on it is mounted any more. */
  detachImage(device: string): Promise<void>;
  /**
   * Shows `dir` (where an image's file systems are mounted) at rootDir instead of the
   * layers: from then on commands and file operations on the root work in the image, as
   * debos's Rootdir does after filesystem-deploy. Layers given to mountRoot meanwhile are
   * kept for later; undefined goes back to them.
   */
  showImageAsRoot(dir: string | undefined): Promise<void>;
  close(): Promise<void>;
}

export interface RootLayers {
  /** Directory holding the layer directories; layer names are relative to it, and
   * absolute paths name layers elsewhere (in the layer store). */
  readonly dir: string;
  readonly upper: string;
  readonly work: string;
  /** Newest first. */
  readonly lowers: readonly string[];
}
