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
 *   already exist when the action runs.
 * - `branch` (required): the branch to commit to.
 * - `subject`: the commit subject.
 * - `collection-id`: collection ID of the commit.
 * - `ref-binding`: refs the commit is bound to; default the branch when `collection-id`
 *   is set.
 * - `metadata`: extra string metadata for the commit.
 * - `command`: accepted for compatibility; debos ignores it.
 */
import { defineAction } from '../action.js';
import { mapping, str, strList, strMap } from '../recipe/properties.js';
import { actionFields, checkArtifactName } from './fields.js';

export const ostreeCommit = defineAction({
  kind: 'ostree-commit',
  unsupported: 'OSTree is not supported yet',
  schema: mapping({
    ...actionFields('ostree-commit'),
    repository: str(),
    branch: str(),
    subject: str().optional(),
    'collection-id': str().optional(),
    'ref-binding': strList().optional(),
    metadata: strMap().default({}),
    command: str().optional(),
  }),
  verify(p) {
    checkArtifactName('repository', p.repository);
  },
});
