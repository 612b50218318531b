// A minimal Debian root as a tarball, made with mmdebstrap once and cached for every
// test run on this machine (keyed by suite, architecture and format), so tests that need
// a root unpack it in seconds instead of bootstrapping.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hostDebianMirror } from '../../src/engine/machine/host-mirror.js';

const run = promisify(execFile);
export const TEST_CACHE = '/var/tmp/debstep-test-cache';

/** tar.gz as debos's test fixtures have them; plain tar unpacks faster under emulation. */
export type TarFormat = 'tar.gz' | 'tar';

const pending = new Map<string, Promise<string>>();

/** The path of a cached minbase root tarball of `suite` for `arch` (made when missing). */
export function baseRootTarball(suite = 'bookworm', arch = 'amd64', format: TarFormat = 'tar.gz'): Promise<string> {
  const file = join(TEST_CACHE, `${suite}-${arch}-minbase.${format}`);
  let p = pending.get(file);
  if (!p) {
    p = make(file, suite, arch);
    pending.set(file, p);
  }
  return p;
}

async function make(file: string, suite: string, arch: string): Promise<string> {
  if (await stat(file).then((s) => s.size > 0, () => false)) return file;
  await mkdir(TEST_CACHE, { recursive: true });
  // mmdebstrap picks the format from the name; the rename makes it appear whole or not at all.
  const partial = file.replace(/\.(tar(\.gz)?)$/, `.${process.pid}.partial.$1`);
  try {
    await run('mmdebstrap', ['--quiet', '--variant=minbase', `--architectures=${arch}`, suite, partial, await hostDebianMirror()], { maxBuffer: 1 << 26 });
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return file;
}

/** The host's Debian suite (codename): its mirror surely serves it. */
export async function hostSuite(): Promise<string> {
  const release = await readFile('/etc/os-release', 'utf8');
  return /^VERSION_CODENAME=(\S+)$/m.exec(release)?.[1] ?? 'bookworm';
}

/** The start of a recipe that unpacks the base root, copied beside it as base.tar.gz. */
export const FROM_BASE_RECIPE = `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar.gz
`;
