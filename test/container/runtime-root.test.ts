// The "no host setup" promise without a container engine: a fresh Debian 12 root made by
// mmdebstrap from the image's package list (scripts/host-packages.txt) alone, this
// checkout's node and debstep put where the Dockerfile puts them, and the entry point run
// there as an unprivileged container runs it (see in-root.ts): it checks, and builds in
// the VM under TCG.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { hostDebianMirror } from '../../src/engine/machine/host-mirror.js';
import { TEST_CACHE } from '../helpers/base-root.js';
import { tempDir } from '../helpers/debstep.js';
import { installDebstep, runInRoot, runtimePackages, smokeTest } from './in-root.js';

const run = promisify(execFile);

/** The runtime root as a tarball, made once per package list on this machine (minutes). */
async function runtimeRoot(): Promise<string> {
  const packages = await runtimePackages();
  const key = createHash('sha256').update(packages.join('\n')).digest('hex').slice(0, 12);
  const file = join(TEST_CACHE, `bookworm-amd64-runtime-${key}.tar`);
  if (await stat(file).then((s) => s.size > 0, () => false)) return file;
  await mkdir(TEST_CACHE, { recursive: true });
  const partial = file.replace(/\.tar$/, `.${process.pid}.partial.tar`);
  try {
    await run('mmdebstrap', ['--quiet', '--variant=minbase', `--include=${packages.join(',')}`, 'bookworm', partial, await hostDebianMirror()], { maxBuffer: 1 << 26 });
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return file;
}

test('in a fresh root of the runtime packages only, as root without CAP_SYS_ADMIN, debstep runs, checks and builds in the VM under TCG', { timeout: 1_800_000 }, async (t) => {
  const tarball = await runtimeRoot();
  const root = await tempDir(t, 'debstep-runtime-root-');
  await run('tar', ['-xf', tarball, '-C', root]);
  await installDebstep(root);
  await smokeTest((recipes, argv) => runInRoot(root, recipes, argv), await tempDir(t));
});
