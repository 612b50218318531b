/**
 * mmdebstrap: build the root filesystem with mmdebstrap.
 *
 * ```yaml
 * - action: mmdebstrap
 *   suite: trixie
 *   components: [main]
 *   variant: minbase
 *   mirrors: [<a Debian mirror URL>]
 *   keyring-packages: [debian-archive-keyring]
 *   keyring-files: [keys/archive.gpg]
 *   include: [ca-certificates]
 *   dpkg-opts: [path-exclude=/usr/share/doc/*]
 *   apt-opts: [Acquire::Retries=3]
 *   merged-usr: true
 * ```
 *
 * - `suite` (required): release code name or symbolic name.
 * - `mirrors`: repository URLs; default: mmdebstrap's own choice.
 * - `components`: default `[main]`.
 * - `variant`: mmdebstrap variant.
 * - `keyring-packages`: packages installed to validate the archive.
 * - `keyring-files`: keyring files, relative to the recipe; they must exist.
 * - `include`: extra packages to install.
 * - `dpkg-opts`, `apt-opts`: options passed as `--dpkgopt` / `--aptopt`, one per item.
 * - `merged-usr`: force merged (true) or split (false) `/usr`; default: the suite's own.
 */
import { defineAction } from '../action.js';
import { bool, mapping, str, strList } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';

export const mmdebstrap = defineAction({
  kind: 'mmdebstrap',
  schema: mapping({
    ...actionFields('mmdebstrap'),
    suite: str(),
    mirrors: strList().optional(),
    components: strList().default(['main']),
    variant: str().optional(),
    'keyring-packages': strList().optional(),
    'keyring-files': strList().optional(),
    include: strList().optional(),
    'dpkg-opts': strList().optional(),
    'apt-opts': strList().optional(),
    'merged-usr': bool().optional(),
  }),
  files: (p, ctx) =>
    (p['keyring-files'] ?? []).map((file, i) => ({
      property: `keyring-files.${i}`,
      path: inRecipeDir(ctx, file),
      kind: 'file' as const,
    })),
});
