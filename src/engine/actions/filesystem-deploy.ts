/**
 * filesystem-deploy: copy the root filesystem into the image made by image-partition,
 * and carry on building inside the image (origin `filesystem` then means the image).
 *
 * ```yaml
 * - action: filesystem-deploy
 *   setup-fstab: true
 *   setup-kernel-cmdline: true
 *   append-kernel-cmdline: console=ttyS0
 * ```
 *
 * - `setup-fstab`: write `/etc/fstab` from the image's mountpoints; default true.
 * - `setup-kernel-cmdline`: write `/etc/kernel/cmdline` with `root=UUID=…`; default true.
 * - `append-kernel-cmdline`: more arguments for `/etc/kernel/cmdline`.
 */
import { defineAction } from '../action.js';
import { bool, mapping, str } from '../recipe/properties.js';
import { actionFields } from './fields.js';

export const filesystemDeploy = defineAction({
  kind: 'filesystem-deploy',
  unsupported: 'disk images are not supported yet',
  defaultDescription: 'Deploying filesystem',
  schema: mapping({
    ...actionFields('filesystem-deploy'),
    'setup-fstab': bool().default(true),
    'setup-kernel-cmdline': bool().default(true),
    'append-kernel-cmdline': str().optional(),
  }),
});
