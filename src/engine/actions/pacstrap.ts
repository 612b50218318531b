/**
 * pacstrap: build an Arch Linux root filesystem with pacstrap (needs the VM backend).
 *
 * ```yaml
 * - action: pacstrap
 *   config: pacman.conf
 *   mirror: mirrorlist
 *   packages: [base, linux]
 * ```
 *
 * - `config` (required): pacman.conf to use, relative to the recipe; must exist.
 * - `mirror` (required): mirrorlist to use, relative to the recipe; must exist.
 * - `packages`: packages to install; default: pacstrap's own (`base`).
 */
import { resolve } from 'node:path';
import { defineAction } from './action.js';
import { HostError } from '../../core/errors.js';
import { mapping, str, strList } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';

export const pacstrap = defineAction({
  kind: 'pacstrap',
  schema: mapping({
    ...actionFields('pacstrap'),
    config: str(),
    mirror: str(),
    packages: strList().default([]),
  }),
  files: (p, ctx) => [
    { property: 'config', path: inRecipeDir(ctx, p.config), kind: 'file' },
    { property: 'mirror', path: inRecipeDir(ctx, p.mirror), kind: 'file' },
  ],
  // pacstrap configures pacman of the build environment itself (pacman.conf, mirrorlist,
  // keyring): debos allows it only inside its VM, and so do we.
  async preNoMachine() {
    throw new HostError('the pacstrap action needs the VM backend: it configures pacman in the build environment', {
      hint: 'build with --backend vm',
    });
  },
  async run(p, ctx) {
    for (const tool of ['pacstrap', 'pacman-key']) {
      if (!(await ctx.hasTool(tool))) {
        throw new HostError(`pacstrap needs ${tool}, which is not installed`, { hint: 'apt-get install arch-install-scripts pacman-package-manager archlinux-keyring' });
      }
    }
    const host = (argv: string[]) => ctx.exec({ argv, chroot: false, label: 'pacstrap' });
    await host(['install', '-m', '0644', resolve(ctx.recipeDir, p.config), '/etc/pacman.conf']);
    await host(['install', '-D', '-m', '0644', resolve(ctx.recipeDir, p.mirror), '/etc/pacman.d/mirrorlist']);
    await host(['pacman-key', '--init']);
    await host(['pacman-key', '--populate']);
    const showLog = async () => void (await ctx.exec({ argv: ['cat', `${ctx.rootDir}/var/log/pacman.log`], chroot: false, label: 'pacman.log' }, { allowFailure: true }));
    await ctx.exec({ argv: ['pacstrap', ctx.rootDir, ...p.packages], chroot: false, label: 'pacstrap' }, { onFailure: showLog });
  },
});
