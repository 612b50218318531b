// Next to an artifact: NAME.manifest (its Debian packages, one a line), NAME.spdx.json
// (an SPDX 2.3 document) and NAME.sha256 (sha256sum's line). The packages are read from
// the dpkg database of the root the artifact holds, through the machine's file operations,
// so a foreign-architecture root and a root inside a VM are read alike.
import { writeFile } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import type { RootFiles } from '../../vm/machine.js';
import { VERSION } from '../../core/version.js';
import { fileDigest } from '../cache/file-digest.js';
import { type InstalledPackage, installedPackages, manifestText } from './dpkg-status.js';
import { type DeclaredLicense, declaredLicense } from './licenses.js';
import { spdxDocument } from './spdx.js';

/** The files written next to `artifact`. */
export function manifestFiles(artifact: string): string[] {
  return [`${artifact}.manifest`, `${artifact}.spdx.json`, `${artifact}.sha256`];
}

/** What the root at `dir` (a path in the root) has installed, and its packages' licences. */
export interface RootPackages {
  readonly packages: readonly InstalledPackage[];
  readonly licenses: ReadonlyMap<string, DeclaredLicense>;
}

/** Whether a read failed because the file is not there. A VM's guest sends only the
 * message of its error, which starts with the code as Node writes it. */
export function isMissing(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e.code === 'ENOENT' || e.code === 'ENOTDIR' || (typeof e.message === 'string' && /^(ENOENT|ENOTDIR):/.test(e.message));
}

/** The file's contents, or undefined when there is none. Any other failure (a permission,
 * an I/O error, a VM gone) is thrown: a manifest that read nothing would list no
 * packages, or NOASSERTION licences, as if that were the truth. */
async function readIfThere(files: RootFiles, path: string): Promise<Buffer | undefined> {
  try {
    return await files.readFile(path);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** Reads the dpkg database under `dir`; a tree without one has no packages. */
export async function readRootPackages(files: RootFiles, dir = '/'): Promise<RootPackages> {
  const status = await readIfThere(files, posix.join(dir, 'var/lib/dpkg/status'));
  const packages = status ? installedPackages(status.toString('utf8')) : [];
  const licenses = new Map<string, DeclaredLicense>();
  for (const name of new Set(packages.map((p) => p.name))) {
    const copyright = await readIfThere(files, posix.join(dir, 'usr/share/doc', name, 'copyright'));
    const license = copyright ? declaredLicense(copyright.toString('utf8')) : undefined;
    if (license) licenses.set(name, license);
  }
  return { packages, licenses };
}

/** Writes the three files for `artifact`, a finished file on this computer. With the
 * build's SOURCE_DATE_EPOCH the SPDX document is created then, so that rebuilds match. */
export async function writeManifests(artifact: string, root: RootPackages, sourceDateEpoch: number | undefined, now = new Date()): Promise<void> {
  const [manifest, spdx, sums] = manifestFiles(artifact) as [string, string, string];
  const sha256 = await fileDigest(artifact);
  const name = basename(artifact);
  const created = sourceDateEpoch === undefined ? now : new Date(sourceDateEpoch * 1000);
  const doc = spdxDocument({ name, sha256, ...root, created, creator: `Tool: debstep-${VERSION}` });
  await writeFile(manifest, manifestText(root.packages));
  await writeFile(spdx, `${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(sums, `${sha256}  ${name}\n`);
}
