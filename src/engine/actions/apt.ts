/**
 * apt: install packages in the root with apt-get (inside the chroot).
 *
 * ```yaml
 * - action: apt
 *   packages: [sudo, openssh-server]
 *   recommends: false
 *   unauthenticated: false
 *   update: true
 * ```
 *
 * - `packages`: packages to install.
 * - `recommends`: install recommended packages too; default false.
 * - `unauthenticated`: allow unauthenticated packages; default false.
 * - `update`: run `apt-get update` first; default true.
 */
import { defineAction } from './action.js';
import { bool, mapping, strList } from '../recipe/properties.js';
import { aptGetInstall } from './apt-get.js';
import { actionFields } from './fields.js';

export const apt = defineAction({
  kind: 'apt',
  schema: mapping({
    ...actionFields('apt'),
    packages: strList().default([]),
    recommends: bool().default(false),
    unauthenticated: bool().default(false),
    update: bool().default(true),
  }),
  cacheEffect: async () => ({ replay: [] }),
  run: (p, ctx) => aptGetInstall(ctx, p),
});
