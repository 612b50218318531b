/**
 * run: run a command or a script, on the build host or inside the root (chroot).
 *
 * ```yaml
 * - action: run
 *   chroot: true
 *   script: scripts/setup-user.sh user
 *
 * - action: run
 *   postprocess: true
 *   command: gzip -f "$ARTIFACTDIR/image.img"
 *   label: compress
 * ```
 *
 * Exactly one of:
 * - `command`: a shell command line (run with `sh -c`).
 * - `script`: a script and its arguments, `path args…`; the path (up to the first space)
 *   is relative to the recipe and must be an executable file (it is run directly). With
 *   `chroot` its directory is bound into the root at `/tmp/script`.
 *
 * - `chroot`: run inside the root; default false (run on the build host, with
 *   `$ROOTDIR`, `$RECIPEDIR`, `$ARTIFACTDIR` set, and after image-partition `$IMAGE`, the
 *   image's device, and `$IMAGEMNTDIR`, where it is mounted; `$IMAGE` in the root too).
 * - `postprocess`: run on the host after everything else; default false. Not with `chroot`.
 * - `label`: label for the output lines; default: derived from the command or script.
 */
import { posix, resolve } from 'node:path';
import type { z } from 'zod';
import { defineAction, PropertyError } from './action.js';
import { bool, mapping, str } from '../recipe/properties.js';
import { fingerprint } from '../cache/layer-cache.js';
import type { StageContext } from '../run/stage.js';
import type { Bind } from '../../vm/machine.js';
import { actionFields, inRecipeDir } from './fields.js';

/** `script: path args…` names the script up to its first space. */
export function scriptPath(script: string): string {
  return script.split(' ', 1)[0]!;
}

const LABEL_MAX = 40;

/** The label of the output lines: `label`, else the script and its arguments, else the
 * command's first line, cut at 40 characters; `...` marks what was cut. */
export function runLabel(p: { label?: string | undefined; script?: string | undefined; command?: string | undefined }): string {
  if (p.label) return p.label;
  const text = p.script !== undefined ? posix.basename(p.script) : (p.command ?? '');
  const first = text.split('\n', 1)[0]!;
  const cut = first.slice(0, LABEL_MAX);
  return cut.length < text.length ? `${cut}...` : cut;
}

const SCRIPT_DIR = '/tmp/script';

async function runCommand(p: z.output<typeof schema>, ctx: StageContext): Promise<void> {
  let cmdline = p.command ?? '';
  const binds: Bind[] = [];
  if (p.script !== undefined) {
    const path = resolve(ctx.recipeDir, scriptPath(p.script));
    const args = p.script.slice(scriptPath(p.script).length);
    // In the root the script's directory is bound at /tmp/script, as debos does.
    if (p.chroot) binds.push({ source: posix.dirname(path), target: SCRIPT_DIR, readOnly: true });
    cmdline = (p.chroot ? posix.join(SCRIPT_DIR, posix.basename(path)) : path) + args;
  }
  const env: Record<string, string> = {};
  if (!p.chroot) {
    env.RECIPEDIR = ctx.recipeDir;
    env.ARTIFACTDIR = ctx.artifactDir;
    if (!p.postprocess) env.ROOTDIR = ctx.rootDir;
  }
  // As debos gives them: the image's device (the chroot has /dev), and its mount directory.
  const image = p.postprocess ? undefined : ctx.image;
  if (image) env.IMAGE = image.device.path;
  if (image?.mountDir && !p.chroot) env.IMAGEMNTDIR = image.mountDir;
  await ctx.exec({ argv: ['sh', '-e', '-c', cmdline], chroot: p.chroot, label: runLabel(p), env, binds });
}

const schema = mapping({
  ...actionFields('run'),
  chroot: bool().default(false),
  postprocess: bool().default(false),
  script: str().optional(),
  command: str().optional(),
  label: str().optional(),
});

export const run = defineAction({
  kind: 'run',
  schema,
  verify(p, ctx) {
    if (p.chroot && p.postprocess) {
      throw new PropertyError('postprocess', "'chroot' and 'postprocess' are mutually exclusive");
    }
    if (p.script !== undefined && p.command !== undefined) {
      // debos up to 1.1.7 runs the script and ignores the command; its main branch refuses both.
      ctx.tolerate('command', "'script' and 'command' are mutually exclusive: the script runs and the command is ignored, as in debos up to 1.1.7 (newer debos refuses this)");
    }
    if (!p.script && !p.command) {
      throw new PropertyError('', "one of 'script' or 'command' is required");
    }
  },
  files: (p, ctx) =>
    p.script ? [{ property: 'script', path: inRecipeDir(ctx, scriptPath(p.script)), kind: 'executable' }] : [],
  // Postprocess commands run after all others: nothing later can need what they make.
  runsOnBuildHost: (p) => !p.chroot && !p.postprocess,
  // Its effect on the root is its layer; a script's whole directory is bound in, so all of
  // it counts. On the build host it may also write artifacts, which are recorded with it
  // (what else it does there is its own: README, "Speed"). Postprocess commands always run.
  async cacheEffect(p, ctx) {
    if (p.postprocess) return { leavesRoot: true, artifacts: [] };
    const dir = p.script === undefined ? undefined : posix.dirname(scriptPath(p.script));
    const replay = dir === undefined ? [] : [await fingerprint(resolve(ctx.recipeDir, dir), `script directory ${dir}`)];
    return p.chroot ? { replay } : { replay, watchArtifacts: true, untouched: [ctx.recipeDir] };
  },
  // debos runs postprocess commands on the host after everything else.
  stagesFor: (p) => (p.postprocess ? ['postMachine'] : ['run']),
  run: runCommand,
  postMachine: runCommand,
});
