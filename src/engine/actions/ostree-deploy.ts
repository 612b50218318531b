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
 */
import { defineAction } from '../action.js';
import { bool, mapping, str } from '../recipe/properties.js';
import { actionFields, checkArtifactName } from './fields.js';

export const ostreeDeploy = defineAction({
  kind: 'ostree-deploy',
  unsupported: 'OSTree is not supported yet',
  schema: mapping({
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
  }),
  verify(p) {
    checkArtifactName('repository', p.repository);
  },
});
