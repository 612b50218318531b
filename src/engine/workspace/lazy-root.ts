// The root as the machine shows it, mounted again only when something needs it.
import type { Machine, RootLayers } from '../../vm/machine.js';
import type { Workspace } from './workspace.js';

/**
 * The root as the machine shows it. Taking layers from the cache changes the stack without
 * mounting it: the root is mounted again only when something needs it (an action runs, a
 * shell opens, postMachine stages run), so a re-run from the cache costs no mounts.
 */
export class LazyRoot {
  private stale = false;

  constructor(
    private readonly machine: Machine,
    private readonly workspace: Workspace,
  ) {}

  /** The layers changed; mount them when next needed. */
  changed(): void {
    this.stale = true;
  }

  async ensure(): Promise<void> {
    if (!this.stale) return;
    this.stale = false;
    await this.machine.mountRoot(this.workspace.current());
  }

  /** Mounts `layers` now (an action is about to write to its top). */
  async mount(layers: RootLayers | undefined): Promise<void> {
    this.stale = false;
    await this.machine.mountRoot(layers);
  }
}
