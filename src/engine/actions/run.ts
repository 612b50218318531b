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
 *   is relative to the recipe and must exist. With `chroot` its directory is bound into
 *   the root at `/tmp/script`.
 *
 * - `chroot`: run inside the root; default false (run on the build host, with
 *   `$ROOTDIR`, `$RECIPEDIR`, `$ARTIFACTDIR`, `$IMAGE`, `$IMAGEMNTDIR` set).
 * - `postprocess`: run on the host after everything else; default false. Not with `chroot`.
 * - `label`: label for the output lines; default: derived from the command or script.
 */
import { defineAction, PropertyError } from '../action.js';
import { bool, mapping, str } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';

/** `script: path args…` names the script up to its first space. */
export function scriptPath(script: string): string {
  return script.split(' ', 1)[0]!;
}

export const run = defineAction({
  kind: 'run',
  schema: mapping({
    ...actionFields('run'),
    chroot: bool().default(false),
    postprocess: bool().default(false),
    script: str().optional(),
    command: str().optional(),
    label: str().optional(),
  }),
  verify(p) {
    if (p.chroot && p.postprocess) {
      throw new PropertyError('postprocess', "'chroot' and 'postprocess' are mutually exclusive");
    }
    if (p.script !== undefined && p.command !== undefined) {
      throw new PropertyError('command', "'script' and 'command' are mutually exclusive");
    }
    if (!p.script && !p.command) {
      throw new PropertyError('', "one of 'script' or 'command' is required");
    }
  },
  files: (p, ctx) =>
    p.script ? [{ property: 'script', path: inRecipeDir(ctx, scriptPath(p.script)), kind: 'file' }] : [],
});
