// The build-wide services every action's stage context is made from (stage.ts): the
// machine, the event bus, the build's directories and caches, the origins, the
// environment, and where commands outside the machine run.
import { HostError } from '../../core/errors.js';
import type { EventBus } from '../../core/events.js';
import type { ExecRequest, ExecResult, Machine, OutputSink } from '../../vm/machine.js';
import type { BuildImages } from '../actions/image/build-images.js';
import type { LazyRoot } from '../workspace/lazy-root.js';
import type { BuildTimeFile } from './chroot-files.js';

/** The named places actions read from, resolved to paths on the build host. */
export class Origins {
  private readonly named = new Map<string, string>();

  constructor(
    readonly artifacts: string,
    /** The root being built; an image's mount point after filesystem-deploy. */
    public filesystem: string,
  ) {}

  /** The path of an origin; `recipe` is the directory of the action's recipe. */
  resolve(name: string, recipeDir: string): string {
    if (name === 'recipe') return recipeDir;
    if (name === 'artifacts') return this.artifacts;
    if (name === 'filesystem') return this.filesystem;
    const path = this.named.get(name);
    if (path === undefined) throw new HostError(`origin "${name}" is not available: no download action of that name has run`);
    return path;
  }

  /** A download's result becomes an origin under its name. */
  add(name: string, path: string): void {
    this.named.set(name, path);
  }
}

/** Shared, build-wide settings and services the per-action contexts are made from. */
export interface BuildServices {
  readonly machine: Machine;
  readonly bus: EventBus;
  readonly artifactDir: string;
  readonly scratchDir: string;
  readonly downloadDir: string;
  /** Caches shared between builds, by name (apt-archives, debootstrap). */
  readonly cache: (name: string) => string;
  readonly origins: Origins;
  /** Proxies from the host and -e variables: reach host and chroot commands alike. */
  readonly env: Readonly<Record<string, string>>;
  readonly verbose: boolean;
  /** Read from the machine when a chroot command first needs them (a VM may not have
   * booted yet: a build whose actions all come from the cache never boots it). */
  readonly buildTimeFiles: () => Promise<readonly BuildTimeFile[]>;
  /** Set once someone opens a shell: the root may differ from what the recipe makes. */
  readonly handEdits: { root: boolean };
  /** The Debian mirror of the host's apt sources, for recipes that name none. */
  readonly hostMirror: () => Promise<string>;
  /** The root's mount, brought up to date before a shell enters it. */
  readonly root: LazyRoot;
  /** Runs a command on the computer debstep runs on, outside the machine: on the host
   * backend the same as a command on the build host. */
  readonly outside: (req: ExecRequest, output: OutputSink) => Promise<ExecResult>;
  /** Whether work that needs neither root nor the root (fetching packages, compressing)
   * is better done outside the machine: in a VM, where it runs slower than here. */
  readonly offload: boolean;
  /** Whether commands outside the machine run as root (debootstrap's first stage outside a VM needs it). */
  readonly outsideAsRoot: boolean;
  /** Disk images made by the build's actions (image-partition), for the actions after them. */
  readonly images: BuildImages;
  /** Set for reproducible output (SOURCE_DATE_EPOCH, --reproducible): the epoch. */
  readonly sourceDateEpoch?: number;
  /** Whether artifacts get their manifests (not with --no-manifest). */
  readonly manifests: boolean;
}
