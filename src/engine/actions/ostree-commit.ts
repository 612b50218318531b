/**
 * ostree-commit: commit the root filesystem to a branch of an OSTree repository.
 *
 * ```yaml
 * - action: ostree-commit
 *   repository: repo
 *   branch: debian/bookworm/amd64
 *   subject: nightly build
 *   collection-id: org.example.Os
 *   ref-binding: [debian/bookworm/amd64]
 *   metadata:
 *     version: "1.0"
 * ```
 *
 * - `repository` (required): the repository, joined under the artifact directory; it must
 *   already exist when the action runs (`ostree init --repo=… --mode=archive`, as with
 *   debos; a `bare` repository needs root).
 * - `branch` (required): the branch to commit to.
 * - `subject`: the commit subject.
 * - `collection-id`: collection ID of the commit.
 * - `ref-binding`: refs the commit is bound to; default the branch when `collection-id`
 *   is set.
 * - `metadata`: extra string metadata for the commit.
 * - `command`: accepted for compatibility; debos ignores it.
 *
 * As debos does, it first empties the root's /dev (OSTree holds no device nodes) and
 * commits the root as it is: moving /etc to /usr/etc, which `ostree admin deploy`
 * expects, is the recipe's job.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { defineAction } from './action.js';
import { BuildError } from '../../core/errors.js';
import { mapping, str, strList, strMap } from '../recipe/properties.js';
import { actionFields, checkArtifactName } from './fields.js';
import { gvariantStrv, ostree, requireOstree } from './ostree.js';

const schema = mapping({
  ...actionFields('ostree-commit'),
  repository: str(),
  branch: str(),
  subject: str().optional(),
  'collection-id': str().optional(),
  'ref-binding': strList().optional(),
  metadata: strMap().default({}),
  command: str().optional(),
});

type OstreeCommit = z.output<typeof schema>;

/**
 * `ostree commit` with the metadata debos's libostree call writes: the tool's own
 * bindings (always the branch, the repository's collection ID) are turned off and
 * debos's written instead, so a commit carries exactly what it would from debos.
 */
export function commitArgv(p: OstreeCommit, repo: string, root: string): string[] {
  const refs = [...(p['collection-id'] && !p['ref-binding']?.length ? [p.branch] : []), ...(p['ref-binding'] ?? [])].sort();
  return [
    'commit',
    `--repo=${repo}`,
    `--branch=${p.branch}`,
    ...(p.subject ? [`--subject=${p.subject}`] : []),
    '--no-bindings',
    ...(refs.length ? [`--add-metadata=ostree.ref-binding=${gvariantStrv(refs)}`] : []),
    ...(p['collection-id'] ? [`--add-metadata-string=ostree.collection-binding=${p['collection-id']}`] : []),
    ...Object.keys(p.metadata)
      .sort()
      .map((k) => `--add-metadata-string=${k}=${p.metadata[k]}`),
    `--tree=dir=${root}`,
  ];
}

export const ostreeCommit = defineAction({
  kind: 'ostree-commit',
  schema,
  verify(p) {
    checkArtifactName('repository', p.repository);
  },
  // Its effect on the root (an empty /dev) is a layer; the objects and the ref it writes
  // in the repository are recorded as artifacts, and must still be there for it to be
  // reused (a repository too large to watch, or a ref rewritten, ends the reuse after it).
  cacheEffect: async () => ({ replay: [], watchArtifacts: true }),
  async run(p, ctx) {
    await requireOstree(ctx, 'ostree-commit');
    const repo = ctx.artifactPath(p.repository);
    // The artifact directory is the same path on the host as in the VM.
    // Not there (or unreadable): made below, where a real failure is thrown.
    if (!(await stat(join(repo, 'config')).catch(() => undefined))) {
      throw new BuildError(`the repository ${repo} does not exist: ostree-commit commits into an existing one, as debos does`, {
        hint: `make it first, e.g. with a run action before it: ostree init --repo=$ARTIFACTDIR/${p.repository} --mode=archive`,
      });
    }
    // debos stops with a fatal error on a root without /dev; there is nothing to empty.
    if (await ctx.machine.files.exists('/dev')) {
      const dev = await ctx.machine.files.resolve('/dev');
      await ctx.exec({ argv: ['find', dev, '-mindepth', '1', '-delete'], chroot: false, label: 'ostree-commit (empty /dev)' });
    }
    await ostree(ctx, 'ostree commit', commitArgv(p, repo, ctx.rootDir));
  },
});
