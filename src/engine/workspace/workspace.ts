// A build's workspace in the state directory: the root in layers (one per action, so the
// root as it was before any action can be restored at once), scratch and download
// directories, the full log and the events. Removed after success unless --keep; kept
// after a failure for `debstep shell`.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RootLayers } from '../../vm/machine.js';
import { HostError } from '../../core/errors.js';
import type { StoredLayer } from '../cache/layer-cache.js';

/** The layer and package caches: in the state directory unless --cache-dir puts them elsewhere. */
export const defaultCacheDir = (stateDir: string): string => join(stateDir, 'cache');

/** What a kept workspace records about its build, for `debstep shell` and resuming. */
export interface WorkspaceState {
  readonly recipe: string;
  readonly architecture: string;
  /** Layers in order, oldest first; the root is all of them stacked. */
  readonly layers: readonly string[];
  /** Layers shared with the layer cache: never written again. */
  readonly frozen?: readonly string[];
  /** Layers that live in the layer cache's store, by name: their upper directories. */
  readonly stored?: Readonly<Record<string, string>>;
  readonly status: 'running' | 'success' | 'failed' | 'aborted';
  /** Where the root lives: on this host, or in the VM's layer disk image. */
  readonly backend: 'host' | 'vm';
  /** The caches it used (--cache-dir): its layers may live in their store. */
  readonly cacheDir?: string;
}

const layerName = (index: number, attempt: number) => `L${String(index).padStart(3, '0')}${attempt > 1 ? `-${attempt}` : ''}`;

interface Layer {
  readonly name: string;
  /** The action that made it (or after which it was opened). */
  readonly index: number;
  /** Shared with the layer cache: a lower layer only, from now on. */
  frozen: boolean;
  /** Its directories when it lives in the cache's store (else `name` in layersDir). */
  readonly inStore?: { readonly upper: string; readonly work: string } | undefined;
  /** Its store layer until it is published: this build's to delete. */
  stored?: StoredLayer | undefined;
}

/** What rewinding leaves to delete: layer names (for the machine) and unpublished store layers. */
export interface Dropped {
  readonly names: string[];
  readonly stored: StoredLayer[];
}

export class Workspace {
  /** The layers stacked so far, oldest first. */
  private stack: Layer[] = [];
  private opened = 0;

  private constructor(
    readonly dir: string,
    readonly stateDir: string,
    /** Caches shared by the builds of this state directory, and of others that name them. */
    readonly cacheRoot: string,
  ) {}

  get root(): string {
    return join(this.dir, 'root');
  }
  /** Where every workspace of this state directory lives. */
  get buildsDir(): string {
    return join(this.stateDir, 'builds');
  }
  get layersDir(): string {
    return join(this.dir, 'layers');
  }
  get scratch(): string {
    return join(this.dir, 'scratch');
  }
  get downloads(): string {
    return join(this.dir, 'downloads');
  }
  get logFile(): string {
    return join(this.dir, 'build.log');
  }
  get eventsFile(): string {
    return join(this.dir, 'events.jsonl');
  }
  cache(name: string): string {
    return join(this.cacheRoot, name);
  }

  /** A fresh workspace for a build of `recipe`, with the caches in `cacheDir`. */
  static async create(stateDir: string, recipe: string, cacheDir = defaultCacheDir(stateDir)): Promise<Workspace> {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const id = `${basename(recipe).replace(/\.ya?ml$/, '')}-${stamp}-${randomBytes(2).toString('hex')}`;
    const ws = new Workspace(join(stateDir, 'builds', id), stateDir, cacheDir);
    try {
      for (const d of [ws.root, join(ws.layersDir, 'base'), ws.scratch, ws.downloads, ws.cacheRoot]) {
        await mkdir(d, { recursive: true });
      }
      // The lowest layer's directory is the root's until a layer above has its own.
      await chmod(join(ws.layersDir, 'base'), 0o755);
    } catch (err) {
      throw new HostError(`cannot create the workspace in ${stateDir}: ${(err as Error).message}`, {
        hint: 'choose a writable state directory with --state-dir',
      });
    }
    // Replaced in one step: two builds started at once would both remove it, and the
    // second symlink(2) would fail with EEXIST.
    const last = join(stateDir, 'builds', 'last');
    const next = `${last}.${id}`;
    await symlink(id, next);
    await rename(next, last);
    return ws;
  }

  /** An existing workspace: by id, by path, or the last one. */
  static async open(stateDir: string, which?: string): Promise<{ ws: Workspace; state: WorkspaceState }> {
    const dir = which?.includes('/') ? which : join(stateDir, 'builds', which ?? 'last');
    let state: WorkspaceState;
    try {
      state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as WorkspaceState;
    } catch {
      // Only for the hint: no builds directory, no kept builds.
      const kept = await readdir(join(stateDir, 'builds')).catch(() => [] as string[]);
      throw new HostError(`no kept build at ${dir}`, {
        hint: kept.length ? `kept builds: ${kept.filter((k) => k !== 'last').join(', ')}` : 'builds are kept after a failure, or with --keep',
      });
    }
    const ws = new Workspace(dir, stateDir, state.cacheDir ?? defaultCacheDir(stateDir));
    const frozen = new Set(state.frozen ?? []);
    // Names carry the action's index (L002, L002-2, O002-1): open layers make positions differ.
    ws.stack = state.layers.map((name) => {
      const upper = state.stored?.[name];
      return { name, index: Number(name.slice(1, 4)), frozen: frozen.has(name), ...(upper ? { inStore: { upper, work: `${upper}.work` } } : {}) };
    });
    ws.opened = state.layers.filter((name) => name.startsWith('O')).length;
    return { ws, state };
  }

  /**
   * The layers of the root as it stands (none before the first action), to mount for work
   * that is not an action's (a shell at a pause). A frozen top layer gets a fresh layer
   * above it, so nothing writes into the cache.
   */
  current(): RootLayers | undefined {
    const top = this.stack.at(-1);
    if (top?.frozen) this.stack.push({ name: `O${String(top.index).padStart(3, '0')}-${++this.opened}`, index: top.index, frozen: false });
    const upper = this.stack.at(-1);
    return upper && this.layersOf(upper, this.stack.slice(0, -1));
  }

  private layersOf(upper: Layer, below: readonly Layer[]): RootLayers {
    const path = (l: Layer) => l.inStore?.upper ?? l.name;
    return { dir: this.layersDir, upper: path(upper), work: upper.inStore?.work ?? `work-${upper.name}`, lowers: [...below].reverse().map(path).concat('base') };
  }

  /**
   * Starts a new layer for action `index`: the snapshot of the root before it. With a
   * store layer, the layer lives in the cache's store so that it can be published when
   * the action succeeds.
   */
  beginAction(index: number, attempt: number, stored?: StoredLayer): RootLayers {
    const below = [...this.stack];
    const layer: Layer = { name: layerName(index, attempt), index, frozen: false, ...(stored ? { stored, inStore: { upper: stored.upper, work: stored.work } } : {}) };
    this.stack.push(layer);
    return this.layersOf(layer, below);
  }

  /** Stacks a published layer from the cache as action `index`'s result. */
  adoptCached(index: number, upper: string): void {
    this.stack.push({ name: layerName(index, 1), index, frozen: true, inStore: { upper, work: `${upper}.work` } });
  }

  /** The top layer was published: it is never written again. */
  freezeTop(): void {
    const top = this.stack.at(-1)!;
    top.frozen = true;
    top.stored = undefined;
  }

  /**
   * Forgets the layers of action `index` and later ones, so the root is as it was before
   * `index`. Returns what to delete: names in layersDir for the machine, and store layers
   * that were never published.
   */
  rewindTo(index: number): Dropped {
    const dropped = this.stack.filter((l) => l.index >= index);
    this.stack = this.stack.filter((l) => l.index < index);
    return {
      names: dropped.flatMap((l) => (l.inStore ? [] : [l.name, `work-${l.name}`])),
      stored: dropped.flatMap((l) => (l.stored ? [l.stored] : [])),
    };
  }

  /** Store layers of this build that were never published (to delete with the workspace). */
  unpublished(): StoredLayer[] {
    return this.stack.flatMap((l) => (l.stored ? [l.stored] : []));
  }

  async saveState(state: Omit<WorkspaceState, 'layers' | 'frozen' | 'stored' | 'cacheDir'>): Promise<void> {
    const full: WorkspaceState = {
      ...state,
      cacheDir: this.cacheRoot,
      layers: this.stack.map((l) => l.name),
      frozen: this.stack.filter((l) => l.frozen).map((l) => l.name),
      stored: Object.fromEntries(this.stack.flatMap((l) => (l.inStore ? [[l.name, l.inStore.upper]] : []))),
    };
    await writeFile(join(this.dir, 'state.json'), JSON.stringify(full, null, 2) + '\n');
  }

  /** Store layers (their ids) that the kept workspaces of `buildsDir` stack. */
  static async storeLayersInUse(buildsDir: string): Promise<string[]> {
    const used: string[] = [];
    // No builds directory: no kept build holds a layer.
    for (const build of await readdir(buildsDir).catch(() => [] as string[])) {
      // A build just made (no state yet) or removed meanwhile holds no layer yet.
      const text = await readFile(join(buildsDir, build, 'state.json'), 'utf8').catch(() => undefined);
      if (text === undefined || build === 'last') continue;
      try {
        used.push(...Object.values((JSON.parse(text) as WorkspaceState).stored ?? {}).map((p) => basename(p)));
      } catch {
        // A state file being written: its build is running and its layers are young.
      }
    }
    return used;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    const last = join(this.stateDir, 'builds', 'last');
    // No link (or not one): nothing of ours to remove.
    if ((await readlink(last).catch(() => undefined)) === basename(this.dir)) await rm(last, { force: true });
  }
}
