// A build, start to end: plan the recipe, choose the machine, make the workspace, run the
// steps, report, and clean up.
import { access, realpath } from 'node:fs/promises';
import type { ImageSpec, Machine } from '../vm/machine.js';
import { findAction } from './actions/index.js';
import type { BackendChoice } from './machine/backend.js';
import { forgetDigests, rememberDigestsIn } from './cache/file-digest.js';
import { LayerCache } from './cache/layer-cache.js';
import { createMachine, layerCacheDir, outsideRunner, type VmSettings } from './machine/machines.js';
import { LazyRoot } from './workspace/lazy-root.js';
import { withoutProxies } from './machine/environ.js';
import { Reuse } from './cache/reuse.js';
import { buildTimeFiles } from './run/chroot-files.js';
import { HostError } from '../core/errors.js';
import type { EventBus } from '../core/events.js';
import { hostDebianMirror } from './machine/host-mirror.js';
import { type Plan, stepInfo, warningEvents } from './recipe/plan.js';
import { type BuildOutcome, type Control, runSteps } from './run/runner.js';
import { runnable } from './run/runnable.js';
import { type BuildSession, openSession } from './session.js';
import { FullLog, JsonLines } from './sinks/files.js';
import { isDiskFull } from './run/disk-full.js';
import { type BuildServices, Origins } from './run/services.js';
import { StageContext } from './run/stage.js';
import { Workspace } from './workspace/workspace.js';
import { artifactPath } from './actions/fields.js';
import { BuildImages } from './actions/image/build-images.js';
import { writeManifests } from './manifest/index.js';

/** Settings of one build, fixed before it starts. */
export interface BuildConfig {
  readonly artifactDir: string;
  readonly stateDir: string;
  /** The layer and package caches (the state directory's, or --cache-dir). */
  readonly cacheDir: string;
  readonly keep: boolean;
  /** Take unchanged actions' results from the layer cache, and keep new ones there. */
  readonly reuse: boolean;
  readonly verbose: boolean;
  /** Proxies and -e variables for every command. */
  readonly env: Readonly<Record<string, string>>;
  /** Set for reproducible output: the epoch timestamps are clamped to. */
  readonly sourceDateEpoch?: number;
  readonly eventsFile?: string;
  readonly vm: VmSettings;
  /** Manifests next to each artifact (not with --no-manifest). */
  readonly manifests: boolean;
}

export interface BuildResult extends BuildOutcome {
  readonly workspace: string;
  readonly kept: boolean;
  /** A build that failed and whose log could not be written either (a full disk): the
   * build's error comes first, this one after it. */
  readonly logFailure?: Error;
}

/** The disk images the plan's actions make, known before the machine starts (a VM has
 * them as disks from boot on, as debos's PreMachine gives them to fakemachine). */
export function plannedImages(plan: Plan, artifactDir: string): ImageSpec[] {
  return plan.steps.flatMap((step) => {
    const image = findAction(step.action.kind)?.image?.(step.action.params as never, plan.recipe.sectorSize);
    return image ? [{ path: artifactPath(artifactDir, image.name), bytes: image.bytes, sectorSize: plan.recipe.sectorSize }] : [];
  });
}

export interface FrontEnd {
  /** Makes the Control that decides at pauses, once the session exists. */
  control(session: BuildSession): Control;
  /** Whether to keep the workspace; by default after a failure or with --keep. */
  keep?(outcome: BuildOutcome): boolean;
}

/** The workspace stays after a failure, or after success with --keep; not after a full disk,
 * whose half-written root would keep the disk full for the next build. */
export function keptByDefault(outcome: BuildOutcome, config: BuildConfig): boolean {
  return (outcome.status !== 'success' && !isDiskFull(outcome.error)) || config.keep;
}

/** The files debstep's own output goes to (`debstep build > log`), which change during every command. */
async function outputFiles(): Promise<string[]> {
  // A descriptor that is closed or has no path (no /proc) is no file of ours.
  const files = await Promise.all([1, 2].map((fd) => realpath(`/proc/self/fd/${fd}`).catch(() => undefined)));
  return files.filter((f): f is string => f !== undefined && f.startsWith('/') && !f.startsWith('/dev/'));
}

/**
 * Closes the build's machine. Its disk images are finished only once it has let go of
 * them (the VM's writes reach them when QEMU ends; the host's loop devices detach), so a
 * close that fails fails a build that had succeeded; after a failure it is a warning
 * beside the build's own error.
 */
export async function closeMachine(machine: Pick<Machine, 'close' | 'backend'> | undefined, outcome: BuildOutcome, warn: (message: string) => void): Promise<BuildOutcome> {
  try {
    await machine?.close();
    return outcome;
  } catch (err) {
    const message = `could not close the ${machine?.backend === 'vm' ? 'VM' : 'build root'}: ${(err as Error).message}`;
    if (outcome.status === 'success') return { ...outcome, status: 'failed', error: new HostError(`${message}; the artifacts may be unfinished`) };
    warn(message);
    return outcome;
  }
}

/** Runs a planned build on the chosen machine, the front end deciding at pauses. */
export async function runBuild(plan: Plan, config: BuildConfig, choice: BackendChoice, bus: EventBus, front: FrontEnd): Promise<BuildResult> {
  const started = Date.now();
  const ws = await Workspace.create(config.stateDir, plan.recipe.file, config.cacheDir);
  bus.add(new FullLog(ws.logFile));
  bus.add(new JsonLines(ws.eventsFile));
  if (config.eventsFile) bus.add(new JsonLines(config.eventsFile));
  // Before anything runs, so every front end (the debugger's log panes too) shows them first.
  for (const w of warningEvents(plan)) bus.emit({ type: 'warning', ...w });

  let outcome: BuildOutcome;
  let machine: Machine | undefined;
  let reuse: Reuse | undefined;
  const images = new BuildImages();
  try {
    machine = await createMachine(choice, ws, {
      ...config.vm,
      verbose: config.verbose,
      env: config.env,
      shares: [config.artifactDir, plan.recipe.dir, ...plan.steps.map((s) => s.action.recipeDir)],
      images: plannedImages(plan, config.artifactDir),
      onDiagnostic: (source, message) => bus.emit({ type: 'diagnostic', source, message }),
      onConsole: (text) => bus.emit({ type: 'output', label: 'console', stream: 'stdout', text }),
    });
    let mirror: Promise<string> | undefined;
    let timeFiles: ReturnType<typeof buildTimeFiles> | undefined;
    const on = machine;
    const services: BuildServices = {
      machine,
      bus,
      artifactDir: config.artifactDir,
      scratchDir: ws.scratch,
      downloadDir: ws.downloads,
      cache: (name) => ws.cache(name),
      origins: new Origins(config.artifactDir, machine.rootDir),
      env: config.env,
      verbose: config.verbose,
      buildTimeFiles: () => (timeFiles ??= buildTimeFiles(on)),
      hostMirror: () => (mirror ??= hostDebianMirror()),
      handEdits: { root: false },
      root: new LazyRoot(machine, ws),
      outside: outsideRunner(machine),
      offload: machine.backend === 'vm',
      outsideAsRoot: process.getuid?.() === 0,
      images,
      manifests: config.manifests,
      ...(config.sourceDateEpoch !== undefined ? { sourceDateEpoch: config.sourceDateEpoch } : {}),
    };
    // The index is the cache directory's; the layers are in the machine's store.
    if (config.reuse) rememberDigestsIn(ws.cache('file-digests.json'));
    else forgetDigests();
    const cache = config.reuse ? new LayerCache(layerCacheDir(ws, machine.backend), machine.layerStore, () => Workspace.storeLayersInUse(ws.buildsDir)) : undefined;
    const ownFiles = [config.stateDir, config.cacheDir, ...(config.eventsFile ? [config.eventsFile] : []), ...(await outputFiles())];
    reuse = new Reuse(cache, plan.recipe.architecture, withoutProxies(config.env), config.artifactDir, ownFiles, () => services.handEdits.root);
    const { session, steps } = openSession(plan, machine, ws.dir, (p, s) =>
      runnable(s, new StageContext(services, s.number, s.action.recipeDir, p.recipe.architecture, p.recipe.sectorSize)),
    );
    bus.emit({
      type: 'build-start',
      recipe: plan.recipe.file,
      architecture: plan.recipe.architecture,
      backend: machine.backend,
      backendReason: machine.backend === 'vm' ? `${choice.reason}; ${machine.reason}` : choice.reason,
      workspace: ws.dir,
      steps: plan.steps.map(stepInfo),
    });
    outcome = await runSteps({ recipe: plan.recipe.file, steps, machine, workspace: ws, bus, control: front.control(session), reuse, root: services.root });
  } catch (err) {
    outcome = { status: 'failed', error: err as Error, tainted: false, skipped: [] };
  }
  const kept = front.keep ? front.keep(outcome) : keptByDefault(outcome, config);
  // The store may be the VM's: what goes from it goes before the machine does.
  const warn = (message: string) => bus.emit({ type: 'warning', message });
  // Layers never published are no cache entry: left behind, they only take space until
  // the next build that prunes the store removes them.
  if (!kept) await reuse?.discard(ws.unpublished()).catch((err: unknown) => warn(`could not remove this build's unpublished layers: ${(err as Error).message}`));
  await reuse?.finish().catch((err: unknown) => warn(`could not prune the layer cache: ${(err as Error).message}`));
  outcome = await closeMachine(machine, outcome, warn);
  // A disk image is finished once its machine has let go of it.
  if (outcome.status === 'success' && config.manifests) {
    const written = [...images.contents].map(async ([file, root]) => {
      // Board recipes compress their image in a postprocess command (`xz IMAGE`), as debos
      // lets them: what is gone has no manifests, and the build is no worse for it.
      if (await access(file).then(() => false, () => true)) {
        warn(`no manifests for ${file}: a postprocess command removed it (compressed or moved it)`);
        return;
      }
      await writeManifests(file, root, config.sourceDateEpoch);
    });
    await Promise.all(written).catch((err: unknown) => {
      outcome = { ...outcome, status: 'failed', error: new HostError(`could not write the manifests of a disk image: ${(err as Error).message}`) };
    });
  }
  await ws.saveState({ recipe: plan.recipe.file, architecture: plan.recipe.architecture, backend: choice.backend, status: outcome.status });
  bus.emit({
    type: 'build-end',
    status: outcome.status,
    tainted: outcome.tainted,
    skipped: outcome.skipped,
    durationMs: Date.now() - started,
    ...(outcome.error ? { error: outcome.error.message } : {}),
  });
  // A log that could not be written (a full disk) fails a build that had succeeded, once
  // it is cleaned up; a failed build keeps its own error first.
  const unlogged = await bus.close().then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  if (!kept) await ws.remove();
  if (unlogged && outcome.status === 'success') throw unlogged;
  return { ...outcome, workspace: ws.dir, kept, ...(unlogged ? { logFailure: unlogged } : {}) };
}
