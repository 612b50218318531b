// The layer cache's store as a directory of overlayfs layers: on the host backend in the
// state directory, in a VM on its store disk (the guest agent runs this same code there).
import { chmod, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayerStore } from '../machine.js';
import { spawnCommand } from './exec.js';

export class DirLayerStore implements LayerStore {
  constructor(
    readonly dir: string,
    /** Sync a layer before it is published: in a VM, whose page cache dies with QEMU. On
     * the host a crash loses more than the cache, and syncing would cost every build. */
    private readonly durable = false,
  ) {}

  async create(id: string): Promise<void> {
    await mkdir(join(this.dir, id), { recursive: true });
    await mkdir(join(this.dir, `${id}.work`), { recursive: true });
    // The upper directory's own mode is the root's while the layer is on top: a fixed
    // one, whatever the umask of the process that made it (the guest agent's, too).
    await chmod(join(this.dir, id), 0o755);
  }

  has(id: string): Promise<boolean> {
    return lstat(join(this.dir, id)).then((s) => s.isDirectory(), () => false);
  }

  async list(): Promise<{ id: string; mtimeMs: number }[]> {
    // No store directory yet: no layers.
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const layers = await Promise.all(
      names.filter((n) => !n.endsWith('.work')).map(async (id) => ({ id, mtimeMs: (await lstat(join(this.dir, id)).catch(() => undefined))?.mtimeMs })),
    );
    return layers.flatMap((l) => (l.mtimeMs === undefined ? [] : [{ id: l.id, mtimeMs: l.mtimeMs }]));
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await rm(join(this.dir, id), { recursive: true, force: true });
      await rm(join(this.dir, `${id}.work`), { recursive: true, force: true });
    }
  }

  /** syncfs(2) of the store's file system, through sync -f (node has no syncfs). */
  async seal(id: string): Promise<void> {
    if (!this.durable) return;
    const lines: string[] = [];
    const r = await spawnCommand(['sync', '-f', join(this.dir, id)], { env: { PATH: '/usr/bin:/bin' } }, (_s, l) => lines.push(l));
    if (r.exitStatus !== 0) throw new Error(`sync -f ${join(this.dir, id)} failed: ${lines.join(' ')}`);
  }
}
