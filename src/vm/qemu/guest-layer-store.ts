// The layer store of a VM: its store disk in the guest, reached through the agent. The
// host's list of what the disk holds (store-list.ts) follows every change.
import type { LayerStore } from '../machine.js';
import type { Call } from './protocol.js';
import type { StoreList } from './store-list.js';

export class GuestLayerStore implements LayerStore {
  constructor(
    readonly dir: string,
    private readonly call: (c: Call) => Promise<unknown>,
    private readonly known: StoreList | undefined,
  ) {}

  /** The host's list becomes what the disk holds (at boot: a crash may have left it behind). */
  async recordContents(): Promise<void> {
    await this.known?.replace(await this.list());
  }

  async create(id: string): Promise<void> {
    await this.call({ method: 'storeCreate', id });
  }
  async has(id: string): Promise<boolean> {
    return (await this.call({ method: 'storeHas', id })) === true;
  }
  async list(): Promise<readonly { id: string; mtimeMs: number }[]> {
    return (await this.call({ method: 'storeList' })) as { id: string; mtimeMs: number }[];
  }
  async remove(ids: readonly string[]): Promise<void> {
    await this.known?.remove(ids);
    await this.call({ method: 'storeRemove', ids: [...ids] });
  }
  async seal(id: string): Promise<void> {
    await this.call({ method: 'storeSeal', id });
    await this.known?.add(id);
  }
}
