/**
 * debootstrap: build the root filesystem with debootstrap.
 *
 * ```yaml
 * - action: debootstrap
 *   suite: bookworm
 *   components: [main, contrib]
 *   variant: minbase
 *   mirror: <a Debian mirror URL>
 *   keyring-package: debian-archive-keyring
 *   keyring-file: keys/archive.gpg
 *   merged-usr: true
 *   check-gpg: true
 * ```
 *
 * - `suite` (required): release code name or symbolic name (`stable`).
 * - `mirror`: repository URL; default: the mirror the host's apt sources use.
 * - `components`: default `[main]`.
 * - `variant`: debootstrap variant (`minbase`, `buildd`…).
 * - `keyring-package`: package installed to validate the archive (`--include`).
 * - `keyring-file`: keyring file to check signatures with, relative to the recipe.
 * - `certificate`, `private-key`: client certificate and key files for the mirror,
 *   relative to the recipe.
 * - `merged-usr`: merged `/usr` layout; default true.
 * - `check-gpg`: verify Release signatures; default true.
 * - `parent-suite`: the Debian suite a derivative's suite is based on.
 * - `script`: full path of the debootstrap script to use; default: the suite's script,
 *   else the parent suite's, else `unstable`.
 *
 * Files named here must exist when the recipe is checked.
 */
import { defineAction, type NamedFile } from '../action.js';
import { bool, mapping, str, strList } from '../recipe/properties.js';
import { actionFields, inRecipeDir } from './fields.js';

export const debootstrap = defineAction({
  kind: 'debootstrap',
  schema: mapping({
    ...actionFields('debootstrap'),
    suite: str(),
    mirror: str().optional(),
    components: strList().default(['main']),
    variant: str().optional(),
    'keyring-package': str().optional(),
    'keyring-file': str().optional(),
    certificate: str().optional(),
    'private-key': str().optional(),
    'merged-usr': bool().default(true),
    'check-gpg': bool().default(true),
    'parent-suite': str().optional(),
    script: str().optional(),
  }),
  files(p, ctx) {
    const named: NamedFile[] = [];
    for (const property of ['keyring-file', 'certificate', 'private-key'] as const) {
      const file = p[property];
      if (file !== undefined) named.push({ property, path: inRecipeDir(ctx, file), kind: 'file' });
    }
    return named;
  },
});
