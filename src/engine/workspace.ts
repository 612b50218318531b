// A build's workspace in the state directory: the root in layers (one per action, so the
// root as it was before any action can be restored at once), scratch and download
// directories, the full log and the events. Removed after success unless --keep; kept
// after a failure for `debstep shell`.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { type RootLayers } from '../vm/machine.js';
import { HostError } from './errors.js';

/** /var/lib/debstep for root, the user's cache directory otherwise. */
export function defaultStateDir(): string {
  if (process.getuid?.() === 0) return '/var/lib/debstep';
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'debstep');
}

/** What a kept workspace records about its build, for `debstep shell` and resuming. */
export interface WorkspaceState {
  readonly recipe: string;
  readonly architecture: string;
  /** Layers in order, oldest first; the root is all of them stacked. */
  readonly layers: readonly string[];
  readonly status: 'running' | 'success' | 'failed' | 'aborted';
  /** Where the root lives: on this host, or in the VM's layer disk image. */
  readonly backend: 'host' | 'vm';
}

const layerName = (index: number, attempt: number) => `L${String(index).padStart(3, '0')}${attempt > 1 ? `-${attempt}` : ''}`;

export class Workspace {
  /** Layer names stacked so far, oldest first, with the action that made each. */
  private stack: { name: string; index: number }[] = [];

  private constructor(
    readonly dir: string,
    readonly stateDir: string,
  ) {}

  get root(): string {
    return join(this.dir, 'root');
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
  /** Caches shared by all builds of this state directory. */
  get cacheRoot(): string {
    return join(this.stateDir, 'cache');
  }
  cache(name: string): string {
    return join(this.cacheRoot, name);
  }

  /** A fresh workspace for a build of `recipe`. */
  static async create(stateDir: string, recipe: string): Promise<Workspace> {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const id = `${basename(recipe).replace(/\.ya?ml$/, '')}-${stamp}-${randomBytes(2).toString('hex')}`;
    const ws = new Workspace(join(stateDir, 'builds', id), stateDir);
    try {
      for (const d of [ws.root, join(ws.layersDir, 'base'), ws.scratch, ws.downloads, ws.cacheRoot]) {
        await mkdir(d, { recursive: true });
      }
    } catch (err) {
      throw new HostError(`cannot create the workspace in ${stateDir}: ${(err as Error).message}`, {
        hint: 'choose a writable state directory with --state-dir',
      });
    }
    const last = join(stateDir, 'builds', 'last');
    await rm(last, { force: true });
    await symlink(id, last);
    return ws;
  }

  /** An existing workspace: by id, by path, or the last one. */
  static async open(stateDir: string, which?: string): Promise<{ ws: Workspace; state: WorkspaceState }> {
    const dir = which?.includes('/') ? which : join(stateDir, 'builds', which ?? 'last');
    let state: WorkspaceState;
    try {
      state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as WorkspaceState;
    } catch {
      const kept = await readdir(join(stateDir, 'builds')).catch(() => [] as string[]);
      throw new HostError(`no kept build at ${dir}`, {
        hint: kept.length ? `kept builds: ${kept.filter((k) => k !== 'last').join(', ')}` : 'builds are kept after a failure, or with --keep',
      });
    }
    const ws = new Workspace(dir, stateDir);
    ws.stack = state.layers.map((name, i) => ({ name, index: i + 1 }));
    return { ws, state };
  }

  /** The layers of the root as it stands (none before the first action). */
  current(): RootLayers | undefined {
    const top = this.stack.at(-1);
    return top && this.layersOf(top.name, this.stack.slice(0, -1).map((l) => l.name));
  }

  private layersOf(upper: string, below: readonly string[]): RootLayers {
    return { dir: this.layersDir, upper, work: `work-${upper}`, lowers: [...below].reverse().concat('base') };
  }

  /** Starts a new layer for action `index`: the snapshot of the root before it. */
  beginAction(index: number, attempt: number): RootLayers {
    const name = layerName(index, attempt);
    const below = this.stack.map((l) => l.name);
    this.stack.push({ name, index });
    return this.layersOf(name, below);
  }

  /**
   * Forgets the layers of action `index` and later ones, so the root is as it was before
   * `index`. Returns the directories (relative to layersDir) the machine should delete.
   */
  rewindTo(index: number): string[] {
    const dropped = this.stack.filter((l) => l.index >= index);
    this.stack = this.stack.filter((l) => l.index < index);
    return dropped.flatMap((l) => [l.name, `work-${l.name}`]);
  }

  async saveState(state: Omit<WorkspaceState, 'layers'>): Promise<void> {
    const full: WorkspaceState = { ...state, layers: this.stack.map((l) => l.name) };
    await writeFile(join(this.dir, 'state.json'), JSON.stringify(full, null, 2) + '\n');
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    const last = join(this.stateDir, 'builds', 'last');
    if ((await readlink(last).catch(() => undefined)) === basename(this.dir)) await rm(last, { force: true });
  }
}
