// The action contract: what one module in src/engine/actions/ exports. An action is a
// strict zod schema (its properties and defaults) plus the debos stages it needs.
import type { z } from 'zod';
import type { Stage } from '../../core/events.js';
import type { CacheEffect } from '../cache/layer-cache.js';
import type { StageContext } from '../run/stage.js';

/** What verify and file checks may know: no Machine, no side effects. */
export interface VerifyContext {
  /** Directory of the recipe file that holds the action (origin `recipe`). */
  readonly recipeDir: string;
  readonly architecture: string;
  readonly sectorSize: number;
  /** Names of `download` actions planned before this one (usable as origins). */
  readonly downloadNames: ReadonlySet<string>;
  /** The disk image the last image-partition action before this one makes, if any. */
  readonly image?: PlannedImage | undefined;
  /** Reports something that works but should change (a deprecated form), at a property. */
  warn(property: string, message: string): void;
  /** Something debos accepts though it is a mistake: a warning, or under --strict an error. */
  tolerate(property: string, message: string): void;
}

/**
 * A verify failure that belongs to one property, so the loader can point at its line.
 * The property is a dotted path for nested ones (`partitions.2.fslabel`):
 * `throw new PropertyError('script', "'script' and 'command' are mutually exclusive")`.
 * An empty property points at the action itself.
 */
export class PropertyError extends Error {
  constructor(
    readonly property: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** What the plan says about a disk image, before anything runs. */
export interface PlannedImage {
  /** The image's name in the artifact directory (image-partition's `imagename`). */
  readonly name: string;
  readonly bytes: number;
  readonly partitions: readonly {
    readonly name: string;
    /** Its size in bytes, when its start and end can be told before parted runs. */
    readonly bytes?: number | undefined;
  }[];
  readonly mountpoints: readonly { readonly mountpoint: string; readonly buildtime: boolean }[];
  /** The action is there but did not validate (its errors are reported): nothing to check against. */
  readonly invalid?: true;
}

/** A file a recipe names, which must exist when the recipe is checked. */
export interface NamedFile {
  /** The property that names it, for the error position. */
  readonly property: string;
  /** Absolute path. */
  readonly path: string;
  /** `executable`: a regular file with an execute bit, as run's scripts are run directly. */
  readonly kind: 'file' | 'executable' | 'directory' | 'any';
}

export interface ActionDef<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  /** Strict object schema with debos's defaults; `action` and `description` included. */
  readonly schema: S;
  /** Banner text when the recipe gives no description (debos prints the action name). */
  readonly defaultDescription?: string;
  /** debos's Verify: checks that need no machine. Throws PropertyError. */
  verify?(params: z.output<S>, ctx: VerifyContext): void;
  /** Files and directories the action reads from the recipe's side; checked by `check`. */
  files?(params: z.output<S>, ctx: VerifyContext): readonly NamedFile[];
  /**
   * Whether it runs commands on the build host during the build: files that later actions
   * name may be made by them, so `check` cannot require those to exist beforehand.
   */
  runsOnBuildHost?(params: z.output<S>): boolean;
  /**
   * The disk image it makes, known from its properties: later actions' verify sees it,
   * and a VM has it as a disk from boot on (debos's PreMachine).
   */
  image?(params: z.output<S>, sectorSize: number): PlannedImage;
  /**
   * The artifact its run stage makes (a name under the artifact directory) and the tree of
   * the root it holds (`/` when absent): once the stage succeeds its manifests are written
   * next to it (src/engine/manifest/), and a cached result (cacheEffect leaving the root
   * alone) needs it and them as they were written.
   */
  artifact?(params: z.output<S>): { readonly name: string; readonly tree?: string | undefined };
  /**
   * How a re-run may reuse the action's result from the layer cache (layer-cache.ts):
   * replayable with fingerprints of what it reads beyond its properties, leaving the root
   * alone, or (when absent) not replayable.
   */
  cacheEffect?(params: z.output<S>, ctx: StageContext): Promise<CacheEffect>;
  /**
   * The stages these properties use, when not every stage the action defines: a stage
   * that would do nothing is left out, so the runner does not prepare for it (postMachine
   * mounts the root, which may boot a VM).
   */
  stagesFor?(params: z.output<S>): readonly RunStage[];
  /** debos's stages, each optional (see src/engine/run/runner.ts for their order). */
  preMachine?(params: z.output<S>, ctx: StageContext): Promise<void>;
  preNoMachine?(params: z.output<S>, ctx: StageContext): Promise<void>;
  run?(params: z.output<S>, ctx: StageContext): Promise<void>;
  cleanup?(params: z.output<S>, ctx: StageContext): Promise<void>;
  postMachine?(params: z.output<S>, ctx: StageContext): Promise<void>;
  postMachineCleanup?(params: z.output<S>, ctx: StageContext): Promise<void>;
}

/** The stages an action has after verify. */
export type RunStage = Exclude<Stage, 'verify'>;

/** Identity helper that keeps the schema's inferred types on the action's stages. */
export function defineAction<S extends z.ZodType>(def: ActionDef<S>): ActionDef<S> {
  return def;
}
