// debootstrap's first stage for a VM, outside it. The first stage only unpacks packages
// into the target (no program of the target runs), yet in a TCG guest it is 23-33 s of
// tar, dpkg-deb and debootstrap's shell for a minbase, against 4 s natively; the guest then
// unpacks the result in 4-8 s and runs the second stage as before. The same debootstrap,
// the same tarball and the same arguments run here as they would in the guest, which looks
// like the guest in the two places debootstrap's first stage looks at its host:
// - its container detection: a VM is no container, but a build host may be one (docker's
//   gets /proc as a symlink). The first stage runs with debootstrap's own functions plus a
//   detect_container that finds none, as it would in the guest (the target gets them as
//   they are);
// - the host's /etc/resolv.conf and /etc/hostname, which it copies into the target: the
//   guest's own are copied in after the unpacking instead.
// It needs root (owners, device nodes); as another user the first stage runs in the guest.
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageContext } from '../run/stage.js';
import { LARGE_RECORDS } from './archive.js';

const DEBOOTSTRAP_DIR = '/usr/share/debootstrap';
/** What setup_etc copies from the host into the target. */
const HOST_ETC = ['/etc/resolv.conf', '/etc/hostname'];
const LABEL = 'debootstrap (first stage)';

/** Appended to debootstrap's functions: the last definition is the one the shell keeps. */
export const NO_CONTAINER = '\n# debstep: this first stage runs for a VM, which is no container.\ndetect_container () {\n\tCONTAINER=""\n}\n';

/** A debootstrap directory (DEBOOTSTRAP_DIR) of debootstrap's own files, finding no container. */
async function vmLikeDebootstrapDir(dir: string): Promise<string> {
  const own = join(dir, 'debootstrap');
  await mkdir(own);
  await writeFile(join(own, 'functions'), (await readFile(join(DEBOOTSTRAP_DIR, 'functions'), 'utf8')) + NO_CONTAINER);
  await symlink(join(DEBOOTSTRAP_DIR, 'scripts'), join(own, 'scripts'));
  return own;
}

/**
 * Runs the first stage (`argv` into `target`) here and returns its tree as a plain tar under
 * scratch, or undefined where the guest must run it: not root, or the first stage failed
 * here (said; the guest's attempt shows its own error).
 */
export async function firstStageOutside(ctx: StageContext, argv: (target: string) => Promise<string[]>): Promise<string | undefined> {
  if (!ctx.outsideAsRoot) return undefined;
  const dir = await mkdtemp(join(ctx.scratchDir, 'first-stage-'));
  const target = join(dir, 'target');
  await mkdir(target);
  const env = { DEBOOTSTRAP_DIR: await vmLikeDebootstrapDir(dir) };
  const r = await ctx.execOutside({ argv: await argv(target), label: LABEL, env }, { allowFailure: true });
  if (r.exitStatus !== 0) {
    await rm(dir, { recursive: true, force: true });
    ctx.info(`debootstrap's first stage failed outside the VM (exit status ${r.exitStatus}); it runs in the VM instead`);
    return undefined;
  }
  const tar = join(dir, 'first-stage.tar');
  try {
    // The second stage, in the guest, reads debootstrap's functions as they are.
    await copyFile(join(DEBOOTSTRAP_DIR, 'functions'), join(target, 'debootstrap', 'functions'));
    const exclude = HOST_ETC.map((f) => `--exclude=.${f}`);
    await ctx.execOutside({ argv: ['tar', '--numeric-owner', ...exclude, '-C', target, '-cf', tar, '.'], label: LABEL });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  await rm(target, { recursive: true, force: true });
  return tar;
}

/** The guest's command that puts the first stage's tree in the root, with the guest's own
 * /etc files that debootstrap would have copied there. */
export function unpackFirstStage(tar: string, root: string): { argv: string[]; env: Record<string, string>; label: string } {
  const script = `tar --numeric-owner -xf "$1" -C "$2" && cp -a ${HOST_ETC.join(' ')} "$2/etc/"`;
  return { argv: ['sh', '-c', script, 'sh', tar, root], env: { TAR_OPTIONS: LARGE_RECORDS }, label: LABEL };
}
