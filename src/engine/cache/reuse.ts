// The runner's bookkeeping for the layer cache (layer-cache.ts): the chain of keys through
// a build, which action's result can be taken from the cache, what to publish, and, for
// an action that runs instead, which of its inputs changed.
import { type ArtifactRecord, type CacheEffect, type CacheEntry, entryKey, type LayerCache, seedKey, type StoredLayer } from './layer-cache.js';
import { artifactsStillHold, changedArtifacts, type DirSnapshot, recordArtifacts, snapshotDir } from './artifacts.js';
import { explainMiss } from './cache-miss.js';

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
  | { readonly hit: 'layer'; readonly key: string; readonly layer: string }
  /** Its artifacts are still what it wrote: nothing to do. */
  | { readonly hit: 'artifacts'; readonly key: string }
  /** Run it. `publish`: what to record once it succeeds (with a store layer to run in, for
   * effects that are layers); `why`: why it was not taken from the cache. */
  | {
      readonly hit?: undefined;
      readonly effect: CacheEffect;
      readonly why?: string;
      readonly publish?: { readonly entry: Omit<CacheEntry, 'artifacts'>; readonly stored?: StoredLayer; readonly replace: boolean; readonly watch?: { readonly untouched: readonly string[] } };
    };

export class Reuse {
  /** The key of the root as it stands; undefined once it cannot be told from the recipe. */
  private chain: string | undefined;
  /** Why the chain broke, for explaining the misses after it. */
  private brokenBy = '';
  /** The chain before each action, to go back to on rewind. */
  private readonly before = new Map<number, { chain: string | undefined; brokenBy: string }>();
  /** The last action whose effect on the root was made in this build, not taken from the cache. */
  private lastRan: number | undefined;
  /** The artifact directory, and the directories it must not touch, as they were when a
   * watched command started. */
  private readonly watched = new Map<ReusePlan, { artifacts: DirSnapshot | undefined; untouched: [string, DirSnapshot | undefined][] }>();

  constructor(
    private readonly cache: LayerCache | undefined,
    architecture: string,
    /** The variables every command gets (-e): part of every key. */
    environ: Readonly<Record<string, string>>,
    /** Where artifacts go: host commands' files there are recorded with their layers. */
    private readonly artifactDir: string,
    /** What debstep itself writes there meanwhile (the state directory, an events file). */
    private readonly ownFiles: readonly string[],
    /** Whether someone changed the root by hand (a shell at a pause). */
    private readonly rootEdited: () => boolean,
  ) {
    this.chain = cache ? seedKey(architecture, environ) : undefined;
  }

  private breakChain(why: string): void {
    if (this.chain !== undefined) this.brokenBy = why;
    this.chain = undefined;
  }

  /** Decides how to run `step`: from the cache, or run (and maybe publish), and why. */
  async plan(step: Reusable): Promise<ReusePlan> {
    if (this.rootEdited()) this.breakChain('a shell at a pause changed the root');
    this.before.set(step.index, { chain: this.chain, brokenBy: this.brokenBy });
    // An input that cannot be read (a missing package file) is the action's to report when it runs.
    const effect = await step.cacheEffect().catch((): CacheEffect => 'unknown');
    if (!this.cache) return { effect };
    if (this.chain === undefined) return { effect, why: `the root before it cannot be told from the recipe: ${this.brokenBy}` };
    if (effect === 'unknown' || 'opaque' in effect) return { effect, why: effect === 'unknown' ? 'its effect cannot be replayed from the cache' : effect.opaque };
    const parent = this.chain;
    const inputs = 'replay' in effect ? effect.replay : [];
    const key = entryKey(parent, step.kind, step.params, inputs);
    const entry = { key, parent, kind: step.kind, params: step.params, inputs };
    if ('leavesRoot' in effect && effect.artifacts.length === 0) return { effect, why: 'it always runs: what it makes is not recorded' };
    const found = await this.cache.lookup(key);
    const stale = found?.artifacts ? await artifactsStillHold(this.artifactDir, found.artifacts, 'leavesRoot' in effect ? effect.artifacts : []) : undefined;
    if (found && stale === undefined) {
      if (found.stored) return { hit: 'layer', key, layer: found.stored.upper };
      if ('leavesRoot' in effect) return { hit: 'artifacts', key };
    }
    const why = stale ?? (await explainMiss(this.cache, entry, this.lastRan));
    if ('leavesRoot' in effect) return { effect, why, publish: { entry, replace: true } };
    if (!this.cache.storesLayers) return { effect, why: 'this machine has no layer store' };
    const stored = await this.cache.create();
    return { effect, why, publish: { entry, ...(stored ? { stored } : {}), replace: stale !== undefined, ...(effect.watchArtifacts ? { watch: { untouched: this.outsideArtifacts(effect.untouched ?? []) } } : {}) } };
  }

  /** Directories that are not the artifact directory or in it (where writes are recorded). */
  private outsideArtifacts(dirs: readonly string[]): string[] {
    return dirs.filter((d) => d !== this.artifactDir && !d.startsWith(`${this.artifactDir}/`));
  }

  /** Called just before the step's command runs: what it writes from now on is its own. */
  async beforeRun(plan: ReusePlan): Promise<void> {
    const watch = plan.hit ? undefined : plan.publish?.watch;
    if (!watch) return;
    const skip = [...this.ownFiles, this.artifactDir];
    const untouched = await Promise.all(watch.untouched.map(async (d): Promise<[string, DirSnapshot | undefined]> => [d, await snapshotDir(d, skip)]));
    this.watched.set(plan, { artifacts: await snapshotDir(this.artifactDir, this.ownFiles), untouched });
  }

  /**
   * The step's effect is in the root now (run, or taken from the cache). Returns whether
   * a layer was published: then it must never be written again.
   */
  async done(index: number, plan: ReusePlan): Promise<boolean> {
    if (plan.hit === 'layer') {
      this.chain = plan.key;
      return false;
    }
    if (plan.hit === 'artifacts') return false;
    const { effect, publish } = plan;
    if (effect === 'unknown' || 'replay' in effect || 'opaque' in effect) this.lastRan = index;
    if (effect === 'unknown' || 'opaque' in effect) {
      this.breakChain(effect === 'unknown' ? `action ${index} ran a command whose effect cannot be replayed` : `action ${index}: ${effect.opaque}`);
      return false;
    }
    if (this.rootEdited()) {
      this.breakChain('a shell at a pause changed the root');
      return false;
    }
    if (!publish) {
      if ('replay' in effect) this.breakChain(`action ${index} could not be cached`);
      return false;
    }
    if ('leavesRoot' in effect) {
      await this.cache!.publish({ ...publish.entry, artifacts: await recordArtifacts(this.artifactDir, effect.artifacts) });
      return false;
    }
    let artifacts: ArtifactRecord[] | undefined;
    if (publish.watch) {
      const before = this.watched.get(plan);
      this.watched.delete(plan);
      for (const [dir, snapshot] of before?.untouched ?? []) {
        const written = await changedArtifacts(dir, snapshot, [...this.ownFiles, this.artifactDir]);
        if (written?.length !== 0) {
          this.breakChain(`action ${index} wrote into ${dir}, which the cache cannot replay`);
          return false;
        }
      }
      const changed = await changedArtifacts(this.artifactDir, before?.artifacts, this.ownFiles);
      if (changed === undefined) {
        this.breakChain(`action ${index} removed or replaced files in the artifact directory, which the cache cannot replay`);
        return false;
      }
      artifacts = await recordArtifacts(this.artifactDir, changed);
    }
    this.chain = publish.entry.key;
    if (!publish.stored) return false;
    await this.cache!.publish({ ...publish.entry, ...(artifacts?.length ? { artifacts } : {}) }, publish.stored, publish.replace);
    return true;
  }

  /** An action was skipped: the root is no longer what the recipe says. */
  broken(index: number): void {
    this.breakChain(`action ${index} was skipped`);
  }

  /** The root went back to before action `index`. */
  rewind(index: number): void {
    const was = this.before.get(index);
    if (was) [this.chain, this.brokenBy] = [was.chain, was.brokenBy];
  }

  /** Store layers that will never be published go. */
  discard(layers: readonly StoredLayer[]): Promise<void> {
    return this.cache?.discard(layers) ?? Promise.resolve();
  }

  /** Keeps the cache within its size once the build is over. */
  async finish(): Promise<void> {
    await this.cache?.prune();
  }
}
