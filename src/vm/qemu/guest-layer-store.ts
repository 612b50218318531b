// The layer store of a VM: its store disk in the guest, reached through the agent.
import type { LayerStore } from '../machine.js';
import type { Call } from './protocol.js';

export class GuestLayerStore implements LayerStore {
  constructor(
    readonly dir: string,
    private readonly call: (c: Call) => Promise<unknown>,
  ) {}

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
    await this.call({ method: 'storeRemove', ids: [...ids] });
  }
  async seal(id: string): Promise<void> {
    await this.call({ method: 'storeSeal', id });
  }
}
