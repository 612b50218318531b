/**
 * ostree-deploy: deploy an OSTree branch into the root (or into the image, when one is
 * mounted).
 *
 * ```yaml
 * - action: ostree-deploy
 *   repository: repo
 *   remote_repository: https://ostree.example.org/repo
 *   branch: debian/bookworm/amd64
 *   os: debian
 *   append-kernel-cmdline: quiet
 * ```
 *
 * - `repository` (required): the repository to pull from, joined under the artifact
 *   directory.
 * - `branch` (required): the branch to deploy.
 * - `os` (required): the OS name of the deployment.
 * - `remote_repository`: URL recorded as the deployment's `origin` remote.
 * - `setup-fstab`: write the image's `/etc/fstab` into the deployment; default true.
 * - `setup-kernel-cmdline`: pass `root=UUID=…` to the deployment; default true.
 * - `append-kernel-cmdline`: more kernel arguments.
 * - `tls-client-cert-path`, `tls-client-key-path`: client certificate and key for the remote.
 * - `collection-id`: collection ID of the remote.
 *
 * As debos does: with an image mounted, the root is first copied into it and the image is
 * the root from then on; the root (the image) becomes an OSTree sysroot (`ostree admin
 * init-fs`, `os-init`), with the remote `origin` (no GPG verification), the branch pulled
 * from the repository as `origin:BRANCH`, and deployed.
 */
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { z } from 'zod';
import { defineAction } from './action.js';
import { BuildError } from '../../core/errors.js';
import { fingerprint } from '../cache/layer-cache.js';
import { bool, mapping, str } from '../recipe/properties.js';
import type { StageContext } from '../run/stage.js';
import { actionFields, checkArtifactName } from './fields.js';
import { deployRootIntoImage } from './image-root.js';
import { ostree, requireOstree } from './ostree.js';

const schema = mapping({
  ...actionFields('ostree-deploy'),
  repository: str(),
  remote_repository: str().optional(),
  branch: str(),
  os: str(),
  'setup-fstab': bool().default(true),
  'setup-kernel-cmdline': bool().default(true),
  'append-kernel-cmdline': str().optional(),
  'tls-client-cert-path': str().optional(),
  'tls-client-key-path': str().optional(),
  'collection-id': str().optional(),
});
type OstreeDeploy = z.output<typeof schema>;

/** `ostree remote add` of debos's remote `origin` into the sysroot's repository. */
export function remoteAddArgv(p: OstreeDeploy, sysroot: string): string[] {
  const tls = (['tls-client-cert-path', 'tls-client-key-path'] as const).flatMap((k) => (p[k] ? [`--set=${k}=${p[k]}`] : []));
  const collection = p['collection-id'] ? [`--collection-id=${p['collection-id']}`] : [];
  return ['remote', 'add', `--repo=${sysroot}/ostree/repo`, '--no-gpg-verify', ...tls, ...collection, 'origin', p.remote_repository ?? ''];
}

/** The kernel arguments: the image's `root=UUID=…`, then append-kernel-cmdline's words. */
export function kernelArgs(p: OstreeDeploy, kernelRoot: string | undefined): string[] {
  const root = p['setup-kernel-cmdline'] && kernelRoot ? [kernelRoot] : [];
  return [...root, ...(p['append-kernel-cmdline'] ?? '').split(' ').filter(Boolean)];
}

/** `ostree admin deploy`: appended arguments keep their order and repeats, as debos's list does. */
export function deployArgv(p: OstreeDeploy, sysroot: string, kargs: readonly string[]): string[] {
  return ['admin', 'deploy', `--sysroot=${sysroot}`, `--os=${p.os}`, ...kargs.map((k) => `--karg-append=${k}`), `origin:${p.branch}`];
}

/** A branch's ref file in a repository (where ostree commit --branch writes it). */
const refFile = (repo: string, branch: string) => join(repo, 'refs/heads', branch);

export const ostreeDeploy = defineAction({
  kind: 'ostree-deploy',
  defaultDescription: 'Deploying from ostree',
  schema,
  verify(p) {
    checkArtifactName('repository', p.repository);
  },
  // Into the root, it is replayable: the branch's commit (its ref names it by content)
  // is what it reads. Into an image it changes the image, which the cache does not hold.
  async cacheEffect(p, ctx) {
    if (ctx.image?.mountDir) return { opaque: 'it deploys into a disk image, and the layer cache holds roots, not images' };
    const ref = refFile(ctx.artifactPath(p.repository), p.branch);
    // No ref file: not fingerprinted, so the action always runs.
    if (!(await stat(ref).catch(() => undefined))) return { opaque: `the branch ${p.branch} is not a ref of the repository that can be fingerprinted` };
    return { replay: [await fingerprint(ref, `branch ${p.branch} of ${p.repository}`)] };
  },
  async run(p, ctx) {
    await requireOstree(ctx, 'ostree-deploy');
    const image = ctx.image?.mountDir ? ctx.image : undefined;
    if (image?.mountDir) await deployRootIntoImage(ctx, image.mountDir);
    const sysroot = ctx.rootDir;
    await ostree(ctx, 'ostree admin init-fs', ['admin', 'init-fs', sysroot]);
    await ostree(ctx, 'ostree admin os-init', ['admin', 'os-init', `--sysroot=${sysroot}`, p.os]);
    await ostree(ctx, 'ostree remote add', remoteAddArgv(p, sysroot));
    await ostree(ctx, 'ostree pull-local', ['pull-local', `--repo=${sysroot}/ostree/repo`, '--remote=origin', ctx.artifactPath(p.repository), p.branch]);
    // ostree makes a deployment's directory immutable (chattr +i). In an image that is as
    // debos leaves it; in the root's layers it would keep debstep from ever removing them.
    const env = image ? undefined : { OSTREE_SYSROOT_DEBUG: 'mutable-deployments' };
    await ostree(ctx, 'ostree admin deploy', deployArgv(p, sysroot, kernelArgs(p, image?.kernelRoot)), env);
    if (p['setup-fstab']) {
      const etc = posix.join(await deploymentDir(ctx, p), 'etc');
      ctx.info(`Setting up ${etc}/fstab`);
      const files = ctx.machine.files;
      await files.mkdir(etc);
      // debos writes the image's fstab; with no image it has none to write, and leaves an
      // empty file when the deployment has no fstab.
      if (image) await files.writeFile(`${etc}/fstab`, image.fstab);
      else if (!(await files.exists(`${etc}/fstab`))) await files.writeFile(`${etc}/fstab`, '');
    }
  },
  async cleanup(_p, ctx) {
    if (ctx.image?.mountDir) await ctx.machine.showImageAsRoot(undefined);
  },
});

/** The new deployment's directory in the root: ostree/deploy/OS/deploy/COMMIT.SERIAL, the
 * serial the highest for that commit (a redeploy of the same commit counts up). */
async function deploymentDir(ctx: StageContext, p: OstreeDeploy): Promise<string> {
  const files = ctx.machine.files;
  const commit = (await files.readFile(`/ostree/repo/refs/remotes/origin/${p.branch}`)).toString().trim();
  const dir = (serial: number) => `/ostree/deploy/${p.os}/deploy/${commit}.${serial}`;
  let serial = 0;
  while (await files.exists(dir(serial + 1))) serial++;
  if (!(await files.exists(dir(serial)))) throw new BuildError(`ostree admin deploy made no deployment ${dir(serial)}`);
  return dir(serial);
}
