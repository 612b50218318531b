// Which layers the VM's layer store holds, as the host knows it. The store is a disk the
// guest mounts, but a build whose every action comes from the cache should not boot a VM
// to ask: the host keeps the list of the store's layers in a file beside the disk image.
// The list is tied to the disk's file system (its ext4 UUID), so a disk made anew voids it,
// and it never lists a layer the disk lacks: the guest's list replaces it at each boot, a
// layer is added once the guest has sealed it and taken off before the guest removes it.
import { open, readFile } from 'node:fs/promises';
import { writeWhole } from '../../util/write-whole.js';

export interface ListedLayer {
  readonly id: string;
  readonly mtimeMs: number;
}

interface ListFile {
  readonly uuid: string;
  readonly layers: readonly ListedLayer[];
}

/** The UUID of the ext4 file system in `image`, undefined when it holds none (or is missing). */
export async function ext4Uuid(image: string): Promise<string | undefined> {
  // No disk yet: no UUID, so the list is not trusted and the guest is asked.
  const file = await open(image, 'r').catch(() => undefined);
  if (!file) return undefined;
  try {
    // The superblock is 1024 bytes into the disk: its magic at 0x38, its UUID at 0x68.
    const sb = Buffer.alloc(0x78);
    const { bytesRead } = await file.read(sb, 0, sb.length, 1024);
    if (bytesRead < sb.length || sb.readUInt16LE(0x38) !== 0xef53) return undefined;
    return sb.subarray(0x68, 0x78).toString('hex');
  } finally {
    await file.close();
  }
}

export class StoreList {
  constructor(
    /** The store's disk image; the list is `<image>.layers.json`. */
    private readonly image: string,
  ) {}

  private get file(): string {
    return `${this.image}.layers.json`;
  }

  /** The layers, or undefined when there is no list for the disk as it is. */
  async read(): Promise<readonly ListedLayer[] | undefined> {
    // No list: the guest is asked instead (a boot).
    const [text, uuid] = await Promise.all([readFile(this.file, 'utf8').catch(() => undefined), ext4Uuid(this.image)]);
    if (text === undefined || uuid === undefined) return undefined;
    try {
      const list = JSON.parse(text) as ListFile;
      return list.uuid === uuid && Array.isArray(list.layers) ? list.layers : undefined;
    } catch {
      // A broken list is no list: the guest is asked instead.
      return undefined;
    }
  }

  /** The list becomes `layers`, what the guest found on the disk. */
  async replace(layers: readonly ListedLayer[]): Promise<void> {
    const uuid = await ext4Uuid(this.image);
    if (uuid === undefined) return;
    await writeWhole(this.file, JSON.stringify({ uuid, layers } satisfies ListFile));
  }

  /** A layer the guest has sealed. A void list stays void (the next boot lists the disk). */
  async add(id: string): Promise<void> {
    const layers = await this.read();
    if (layers) await this.replace([...layers.filter((l) => l.id !== id), { id, mtimeMs: Date.now() }]);
  }

  /** Layers the guest is about to remove. */
  async remove(ids: readonly string[]): Promise<void> {
    const layers = await this.read();
    if (layers) await this.replace(layers.filter((l) => !ids.includes(l.id)));
  }
}
