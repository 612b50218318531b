// Reusing actions' results across builds, so a re-run only redoes what changed. Each
// action writes to its own overlayfs layer; a layer made by an action whose effect can be
// replayed is kept in the state directory under a key: the key of the root before the
// action, the action's kind and properties, and fingerprints of what it reads (scripts,
// overlay trees, archives). The next build with the same key stacks that layer instead of
// running the action. Published layers are never written again: they are only ever lower
// layers. Host backend only (a VM keeps its layers on its own disk image).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, readlink, realpath, rm, stat, symlink, utimes } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** What re-running an action needs to know about it. */
export type CacheEffect =
  /** Its effect is its layer: reusable when the key matches. `inputs` fingerprint what it
   * reads besides its properties. */
  | { readonly replay: readonly string[] }
  /** It leaves the root alone (pack, download): later actions can still be reused. */
  | 'leaves-root'
  /** Its effect cannot be replayed from a layer: later actions run again. */
  | 'unknown';

/** The first key of a build: the cache format and the target architecture. */
export function seedKey(architecture: string): string {
  return cacheKey(['debstep-layer-cache-1', architecture]);
}

export function cacheKey(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A fingerprint of a file or a directory tree: names, types, modes, contents and link
 * targets, in a stable order. Missing paths fingerprint as such (the action will fail).
 */
export async function fingerprint(path: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (p: string, rel: string): Promise<void> => {
    const st = await lstat(p).catch(() => undefined);
    if (!st) return void hash.update(`missing ${rel}\n`);
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isSymbolicLink()) hash.update(`link ${rel} ${await readlink(p)}\n`);
    else if (st.isFile()) hash.update(`file ${rel} ${mode} ${await fileDigest(p)}\n`);
    else if (st.isDirectory()) {
      hash.update(`dir ${rel} ${mode}\n`);
      for (const name of (await readdir(p)).sort()) await walk(join(p, name), `${rel}/${name}`);
    } else hash.update(`other ${rel} ${mode}\n`);
  };
  await walk(path, '.');
  return hash.digest('hex');
}

/** A layer's directories in the store: the upper directory and overlayfs's work directory. */
export interface StoredLayer {
  readonly id: string;
  readonly upper: string;
  readonly work: string;
}

export class LayerCache {
  constructor(
    /** <state directory>/cache/layers */
    readonly dir: string,
    /** The workspaces, whose layers may link into the store (kept builds). */
    private readonly buildsDir: string,
    /** Keys kept when pruning, the most recently used first. */
    private readonly keep = 64,
  ) {}

  private get store(): string {
    return join(this.dir, 'store');
  }
  private get keys(): string {
    return join(this.dir, 'keys');
  }

  /** A new, empty layer in the store, for an action whose result may be published. */
  async create(): Promise<StoredLayer> {
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const layer = { id, upper: join(this.store, id), work: join(this.store, `${id}.work`) };
    await mkdir(layer.upper, { recursive: true });
    await mkdir(layer.work, { recursive: true });
    return layer;
  }

  /** The published layer of `key`, or undefined. Marks it as recently used. */
  async lookup(key: string): Promise<string | undefined> {
    const link = join(this.keys, key);
    const upper = await realpath(link).catch(() => undefined);
    if (!upper || !(await stat(upper).then((s) => s.isDirectory(), () => false))) return undefined;
    const now = new Date();
    await utimes(link, now, now).catch(() => {});
    return upper;
  }

  /** Makes `layer` the result of `key`; it is never written again. (When another build
   * published the same key first, theirs stays and ours is dropped with its workspace.) */
  async publish(key: string, layer: StoredLayer): Promise<void> {
    await mkdir(this.keys, { recursive: true });
    await symlink(join('..', 'store', layer.id), join(this.keys, key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }

  /** Deletes a layer that was never published (its action failed, or was undone). */
  async discard(layer: StoredLayer): Promise<void> {
    await rm(layer.upper, { recursive: true, force: true });
    await rm(layer.work, { recursive: true, force: true });
  }

  /**
   * Keeps the most recently used keys, and the store layers that they or a kept workspace
   * use; deletes the rest (layers left by workspaces removed by hand, too). Layers younger
   * than an hour stay: a build running now may be about to publish them.
   */
  async prune(): Promise<void> {
    const names = await readdir(this.keys).catch(() => [] as string[]);
    const entries = await Promise.all(
      names.map(async (n) => {
        const link = join(this.keys, n);
        return { link, used: (await lstat(link)).mtimeMs, id: basename(await readlink(link)) };
      }),
    );
    entries.sort((a, b) => b.used - a.used);
    for (const e of entries.slice(this.keep)) await rm(e.link, { force: true });
    const live = new Set([...entries.slice(0, this.keep).map((e) => e.id), ...(await this.usedByWorkspaces())]);
    const young = Date.now() - 3600_000;
    for (const name of await readdir(this.store).catch(() => [] as string[])) {
      const id = name.replace(/\.work$/, '');
      if (live.has(id)) continue;
      const st = await lstat(join(this.store, name)).catch(() => undefined);
      if (st && st.mtimeMs < young) await rm(join(this.store, name), { recursive: true, force: true });
    }
  }

  /** Store layers that workspaces link to. */
  private async usedByWorkspaces(): Promise<string[]> {
    const used: string[] = [];
    for (const build of await readdir(this.buildsDir).catch(() => [] as string[])) {
      const layers = join(this.buildsDir, build, 'layers');
      for (const name of await readdir(layers).catch(() => [] as string[])) {
        const target = await readlink(join(layers, name)).catch(() => undefined);
        if (target?.startsWith(this.store)) used.push(basename(target).replace(/\.work$/, ''));
      }
    }
    return used;
  }
}
