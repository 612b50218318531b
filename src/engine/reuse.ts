// The runner's bookkeeping for the layer cache (layer-cache.ts): the chain of keys through
// a build, which action's result can be taken from the cache, and what to publish.
import { type CacheEffect, cacheKey, type LayerCache, seedKey, type StoredLayer } from './layer-cache.js';

/** What reuse needs of a planned step. */
export interface Reusable {
  readonly index: number;
  readonly kind: string;
  /** The action's validated properties, as JSON. */
  readonly params: string;
  /** How its effect can be replayed, with fingerprints of what it reads. */
  cacheEffect(): Promise<CacheEffect>;
}

export type ReusePlan =
  /** Take the cached layer instead of running. */
  | { readonly hit: string; readonly key: string }
  /** Run, in a store layer to publish under `key` when it succeeds. */
  | { readonly key: string; readonly stored: StoredLayer }
  /** Run; nothing to publish. */
  | { readonly effect: CacheEffect };

export class Reuse {
  /** The key of the root as it stands; undefined once it cannot be told from the recipe. */
  private chain: string | undefined;
  /** The chain before each action, to go back to on rewind. */
  private readonly before = new Map<number, string | undefined>();

  constructor(
    private readonly cache: LayerCache | undefined,
    architecture: string,
    /** Whether someone changed the root by hand (a shell at a pause). */
    private readonly rootEdited: () => boolean,
  ) {
    this.chain = cache ? seedKey(architecture) : undefined;
  }

  /** Decides how to run `step` (cache hit, publishable run, or plain run). */
  async plan(step: Reusable): Promise<ReusePlan> {
    if (this.rootEdited()) this.chain = undefined;
    this.before.set(step.index, this.chain);
    // An input that cannot be read (a missing package file) is the action's to report when it runs.
    const effect = await step.cacheEffect().catch((): CacheEffect => 'unknown');
    if (!this.cache || this.chain === undefined || typeof effect === 'string') return { effect };
    const key = cacheKey([this.chain, step.kind, step.params, ...effect.replay]);
    const hit = await this.cache.lookup(key);
    if (hit) return { hit, key };
    return { key, stored: await this.cache.create() };
  }

  /**
   * The step's effect is in the root now (run or taken from the cache). Returns whether
   * its layer was published: then it must never be written again.
   */
  async done(plan: ReusePlan): Promise<boolean> {
    if ('effect' in plan) {
      if (plan.effect === 'unknown') this.chain = undefined;
      return false;
    }
    if (this.rootEdited()) {
      this.chain = undefined;
      return false;
    }
    this.chain = plan.key;
    if (!('stored' in plan)) return false;
    await this.cache!.publish(plan.key, plan.stored);
    return true;
  }

  /** An action was skipped: the root is no longer what the recipe says. */
  broken(): void {
    this.chain = undefined;
  }

  /** The root went back to before action `index`. */
  rewind(index: number): void {
    if (this.before.has(index)) this.chain = this.before.get(index);
  }

  /** Store layers that will never be published go. */
  discard(layers: readonly StoredLayer[]): Promise<void> {
    return Promise.all(layers.map((l) => this.cache!.discard(l))).then(() => {});
  }

  /** Keeps the cache within its size once the build is over. */
  async finish(): Promise<void> {
    await this.cache?.prune();
  }
}
