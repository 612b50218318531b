/**
 * pacman: install packages in an Arch Linux root with `pacman -Syu` (inside the chroot).
 *
 * ```yaml
 * - action: pacman
 *   packages: [vim, openssh]
 * ```
 *
 * - `packages`: packages to install.
 */
import { defineAction } from './action.js';
import { mapping, strList } from '../recipe/properties.js';
import { actionFields } from './fields.js';

export const pacman = defineAction({
  kind: 'pacman',
  schema: mapping({
    ...actionFields('pacman'),
    packages: strList().default([]),
  }),
  cacheEffect: async () => ({ replay: [] }),
  async run(p, ctx) {
    await ctx.exec({ argv: ['pacman', '-Syu', '--noconfirm', ...p.packages], chroot: true, label: 'pacman' });
  },
});
