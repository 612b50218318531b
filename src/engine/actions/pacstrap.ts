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
import { defineAction } from '../action.js';
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
});
