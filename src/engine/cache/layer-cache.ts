// Reusing actions' results across builds, so a re-run only redoes what changed. Each
// action writes to its own overlayfs layer; a layer made by an action whose effect can be
// replayed is kept in the machine's layer store under a key: the key of the root before
// the action, the action's kind and properties, and fingerprints of what it reads
// (scripts, overlay trees, archives). The next build with the same key stacks that layer
// instead of running the action. Published layers are never written again: they are only
// ever lower layers. Artifacts (a pack's tarball) are recorded under their action's key
// with their size and hash, so an unchanged artifact is not made again.
//
// The index (keys/<key>.json) lives in the cache directory on the host; the layers live
// in the machine's store (the cache directory, or a VM's store disk), so each backend
// has an index of its own.
import { createHash, randomBytes } from 'node:crypto';
import { link, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerStore } from '../../vm/machine.js';
import { fileDigest } from './file-digest.js';

/** Something an action reads besides its properties. */
export interface Input {
  /** What it is, in words, for saying why an action ran: "script directory scripts". */
  readonly what: string;
  readonly digest: string;
  /** For a tree: a digest of each entry by relative path, so a change can be named. */
  readonly entries?: Readonly<Record<string, string>>;
}

/** What re-running an action needs to know about it. */
export type CacheEffect =
  /** Its effect is its layer: reusable when the key matches. `watchArtifacts`: it may
   * also write files in the artifact directory (a command on the build host), which are
   * then recorded and must still be there, unchanged, for its layer to be reused;
   * `untouched`: directories it must leave as they were for its result to be kept (a host
   * command writing into its recipe directory cannot be replayed). */
  | { readonly replay: readonly Input[]; readonly watchArtifacts?: boolean; readonly untouched?: readonly string[] }
  /** It leaves the root alone (pack, download): later actions can still be reused. When
   * it names the artifacts it makes and they still hold what it wrote, it need not run. */
  | { readonly leavesRoot: true; readonly artifacts: readonly string[] }
  /** Its effect cannot be replayed (`opaque` says why): later actions run again. */
  | { readonly opaque: string }
  | 'unknown';

/** A file an action made, as it was when the action ended. */
export interface ArtifactRecord {
  /** Relative to the artifact directory. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** What the index holds about one key. */
export interface CacheEntry {
  readonly key: string;
  /** The key of the root before the action. */
  readonly parent: string;
  readonly kind: string;
  readonly params: string;
  readonly inputs: readonly Input[];
  /** The layer in the store, for actions whose effect is their layer. */
  readonly layer?: string;
  readonly artifacts?: readonly ArtifactRecord[];
}

export function cacheKey(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The first key of a build: the cache format, the target architecture and the variables
 * every command gets (-e), which can change what any action does. */
export function seedKey(architecture: string, environ: Readonly<Record<string, string>> = {}): string {
  return cacheKey(['debstep-layer-cache-3', architecture, ...Object.entries(environ).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`)]);
}

/** The key of an action on the root `parent`: what it is, not where its files are. */
export const entryKey = (parent: string, kind: string, params: string, inputs: readonly Input[]): string =>
  cacheKey([parent, kind, params, ...inputs.map((i) => i.digest)]);

/** Trees with more entries than this are fingerprinted whole, without naming entries. */
const MAX_NAMED_ENTRIES = 5000;

/**
 * A fingerprint of a file or a directory tree: names, types, modes, contents and link
 * targets, in a stable order. Missing paths fingerprint as such (the action will fail).
 */
export async function fingerprint(path: string, what: string): Promise<Input> {
  const entries: Record<string, string> = {};
  const walk = async (p: string, rel: string): Promise<void> => {
    // Recorded as 'missing': a fingerprint that differs when the file comes back.
    const st = await lstat(p).catch(() => undefined);
    if (!st) return void (entries[rel] = 'missing');
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) entries[rel] = `link ${await readlink(p)}`;
    else if (st.isFile()) entries[rel] = `file ${mode} ${await fileDigest(p)}`;
    else if (st.isDirectory()) {
      entries[rel] = `dir ${mode}`;
      for (const name of (await readdir(p)).sort()) await walk(join(p, name), `${rel}/${name}`);
    } else entries[rel] = `other ${mode}`;
  };
  await walk(path, '.');
  const digest = cacheKey(Object.entries(entries).flat());
  const named = Object.keys(entries).length <= MAX_NAMED_ENTRIES;
  return { what, digest, ...(named ? { entries } : {}) };
}

/** An input that is a value rather than a file (a mirror URL). */
export const valueInput = (what: string, value: string): Input => ({ what: `${what} ${value}`, digest: cacheKey([value]) });

/** A layer's directories in the store: the upper directory and overlayfs's work directory. */
export interface StoredLayer {
  readonly id: string;
  readonly upper: string;
  readonly work: string;
}

export class LayerCache {
  constructor(
    /** The index: <cache directory>/layers (host) or vm-layers (VM). */
    readonly dir: string,
    /** The machine's store of layers; without one, only artifacts are cached. */
    private readonly store: LayerStore | undefined,
    /** Store layers that kept workspaces use: pruning leaves them. */
    private readonly usedByWorkspaces: () => Promise<readonly string[]>,
    /** Keys kept when pruning, the most recently used first. */
    private readonly keep = 64,
  ) {}

  private get keys(): string {
    return join(this.dir, 'keys');
  }

  /** Whether layers can be kept (else every action that changes the root runs). */
  get storesLayers(): boolean {
    return this.store !== undefined;
  }

  private layerOf(id: string): StoredLayer {
    const dir = this.store!.dir;
    return { id, upper: join(dir, id), work: join(dir, `${id}.work`) };
  }

  /** A new, empty layer in the store, for an action whose result may be published. */
  async create(): Promise<StoredLayer | undefined> {
    if (!this.store) return undefined;
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    await this.store.create(id);
    return this.layerOf(id);
  }

  /** The entry of `key` whose layer (if it has one) is still in the store, or undefined.
   * Marks it as recently used. */
  async lookup(key: string): Promise<(CacheEntry & { readonly stored?: StoredLayer }) | undefined> {
    const file = join(this.keys, `${key}.json`);
    const entry = await readEntry(file);
    if (!entry) return undefined;
    if (entry.layer !== undefined && !(this.store && (await this.store.has(entry.layer)))) return undefined;
    const now = new Date();
    // Only the pruning order (most recently used): at worst this entry goes sooner.
    await utimes(file, now, now).catch(() => {});
    return entry.layer === undefined ? entry : { ...entry, stored: this.layerOf(entry.layer) };
  }

  /** Entries made on the root `parent` by an action of `kind`: what a miss is compared with. */
  async siblings(parent: string, kind: string): Promise<CacheEntry[]> {
    const entries = await this.entries();
    return entries.filter((e) => e.entry.parent === parent && e.entry.kind === kind).sort((a, b) => b.used - a.used).map((e) => e.entry);
  }

  /** Whether any entry was made on the root `parent`. */
  async knowsRoot(parent: string): Promise<boolean> {
    return (await this.entries()).some((e) => e.entry.parent === parent || e.entry.key === parent);
  }

  /**
   * Records `entry`, with the layer that holds its effect (sealed first, and never written
   * again). When another build published a layer under the same key first, theirs stays
   * and ours is dropped with its workspace; `replace` (the entry's artifacts had changed)
   * and entries without a layer overwrite what was there.
   */
  async publish(entry: CacheEntry, layer?: StoredLayer, replace = false): Promise<boolean> {
    if (layer) await this.store!.seal(layer.id);
    await mkdir(this.keys, { recursive: true });
    const file = join(this.keys, `${entry.key}.json`);
    const temp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}`;
    await writeFile(temp, JSON.stringify({ ...entry, ...(layer ? { layer: layer.id } : {}) }));
    if (replace || !layer) {
      await rename(temp, file);
      return true;
    }
    // link() does not replace an existing entry: the first publisher wins.
    try {
      await link(temp, file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return false;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Deletes layers that were never published (their action failed, or was undone). */
  async discard(layers: readonly StoredLayer[]): Promise<void> {
    if (layers.length) await this.store?.remove(layers.map((l) => l.id));
  }

  /**
   * Keeps the most recently used keys, and the store layers that they or a kept workspace
   * use; deletes the rest (layers left by workspaces removed by hand, too). Layers younger
   * than an hour stay: a build running now may be about to publish them.
   */
  async prune(): Promise<void> {
    const entries = (await this.entries()).sort((a, b) => b.used - a.used);
    for (const e of entries.slice(this.keep)) await rm(e.file, { force: true });
    // Files of older formats and temporary files of crashed publishers go too.
    // No keys directory yet: nothing to prune.
    for (const name of await readdir(this.keys).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{64}\.json$/.test(name)) await rm(join(this.keys, name), { force: true });
    }
    if (!this.store) return;
    const live = new Set([...entries.slice(0, this.keep).flatMap((e) => (e.entry.layer ? [e.entry.layer] : [])), ...(await this.usedByWorkspaces())]);
    const young = Date.now() - 3600_000;
    const doomed = (await this.store.list()).filter((l) => !live.has(l.id) && l.mtimeMs < young).map((l) => l.id);
    await this.store.remove(doomed);
  }

  private async entries(): Promise<{ file: string; used: number; entry: CacheEntry }[]> {
    // No keys directory yet: no entries.
    const names = (await readdir(this.keys).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    const all = await Promise.all(
      names.map(async (n) => {
        const file = join(this.keys, n);
        const [entry, st] = await Promise.all([readEntry(file), stat(file).catch(() => undefined)]);
        return entry && st ? [{ file, used: st.mtimeMs, entry }] : [];
      }),
    );
    return all.flat();
  }
}

async function readEntry(file: string): Promise<CacheEntry | undefined> {
  // An entry gone (pruned by another build) or unreadable is a miss: the action runs.
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as CacheEntry;
  } catch {
    // A torn or foreign file is a miss: the action runs, and pruning removes it.
    return undefined;
  }
}
