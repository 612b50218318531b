// What build and debug share: options turned into a checked plan, a frozen BuildConfig
// and the backend choice, with debos's flag rules.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { vmSizes } from '../core/vm-sizes.js';
import { backendRequest, type BackendChoice, chooseBackend } from '../engine/machine/backend.js';
import type { BuildConfig } from '../engine/build.js';
import { buildEnvironment } from '../engine/machine/environ.js';
import { UsageError } from '../core/errors.js';
import { planRecipe, type Plan } from '../engine/recipe/plan.js';
import { sourceDateEpoch } from '../engine/actions/reproducible.js';
import { defaultCacheDir } from '../engine/workspace/workspace.js';
import { defaultStateDir } from '../core/state-dir.js';
import { mayMount } from '../vm/host/privilege.js';
import { kvmProblem, vmCacheDirOf } from '../vm/qemu/accel-probe.js';
import { formatWarnings } from './check.js';
import { type Options, templateVars } from './options.js';

/** Rejects bad flag values before anything runs, as debos does: the VM's sizes with the
 * bounds the VM itself has (core/vm-sizes.ts), so none fails later in the build. */
export function checkFlags(o: Options): void {
  vmSizes(o);
  backendRequest(o);
}

export async function buildConfig(o: Options): Promise<BuildConfig> {
  const artifactDir = resolve(o.artifactDir ?? '.');
  // Any failure is reported just below, as the usage error.
  const st = await stat(artifactDir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`artifact directory ${artifactDir} does not exist or is not a directory`);
  const req = backendRequest(o);
  const env = buildEnvironment(o.environVars, process.env);
  // `-e SOURCE_DATE_EPOCH:…` counts as the environment's; commands see the epoch in use.
  const epoch = sourceDateEpoch(o.reproducible, env.SOURCE_DATE_EPOCH ?? process.env.SOURCE_DATE_EPOCH);
  if (epoch !== undefined) env.SOURCE_DATE_EPOCH = String(epoch);
  const stateDir = resolve(o.stateDir ?? defaultStateDir());
  return Object.freeze({
    artifactDir,
    stateDir,
    // An empty DEBSTEP_CACHE_DIR (a CI variable left blank) means the default.
    cacheDir: resolve(o.cacheDir ?? (process.env.DEBSTEP_CACHE_DIR || defaultCacheDir(stateDir))),
    keep: o.keep,
    reuse: !o.noCache,
    verbose: o.verbose,
    env,
    ...(epoch !== undefined ? { sourceDateEpoch: epoch } : {}),
    manifests: !o.noManifest,
    ...(o.events ? { eventsFile: resolve(o.events) } : {}),
    vm: { ...vmSizes(o), kernel: o.kernel, modules: o.modules, showBoot: o.showBoot, accel: req.accel },
  });
}

/** Plans the recipe, printing what --print-recipe asks for on `out` and the warnings on `err`. */
export async function planForBuild(file: string, o: Options, out: NodeJS.WritableStream, err: NodeJS.WritableStream = process.stderr): Promise<Plan> {
  const vars = templateVars(o);
  const plan = await planRecipe(file, { vars, strict: o.strict });
  if (o.printRecipe) {
    out.write('Template variables:\n');
    for (const [k, v] of vars) out.write(`  ${k}: ${v}\n`);
    out.write(`Recipe '${plan.recipe.file}':\n${plan.recipe.text}${plan.recipe.text.endsWith('\n') ? '' : '\n'}`);
  }
  // A build emits them as its first events (see runBuild); a dry run has no events.
  if (o.dryRun) err.write(formatWarnings(plan));
  return plan;
}

/** The backend for a build, asking the KVM check the VM will ask (so it answers from its
 * cache) about the kernel the VM would boot. */
export function chooseBackendFor(o: Options): Promise<BackendChoice> {
  const cacheDir = vmCacheDirOf(resolve(o.stateDir ?? defaultStateDir()));
  // A probe boot can take seconds: say what is being waited for.
  const onProbe = (message: string) => void process.stderr.write(`${message}\n`);
  return chooseBackend(backendRequest(o), { mayMount: mayMount(), kvmProblem: () => kvmProblem({ cacheDir, kernel: o.kernel, modules: o.modules, onProbe }) });
}

/**
 * What build and debug do first (in their private mount namespace, see cli.ts): check the
 * flags, plan the recipe. Returns the plan, or the exit code when there is nothing more to
 * do (--dry-run). --print-recipe and the dry run write on `out`.
 */
export async function startBuild(file: string, o: Options, out: NodeJS.WritableStream = process.stdout): Promise<Plan | number> {
  checkFlags(o);
  const plan = await planForBuild(file, o, out);
  if (o.dryRun) {
    out.write('==== Recipe done (Dry run) ====\n');
    return 0;
  }
  return plan;
}
