// The root the e2e recipes start from: a minbase tarball made with mmdebstrap from the
// host's Debian mirror, once per suite and architecture, cached across test runs.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hostDebianMirror } from '../../../src/engine/host-mirror.js';

const CACHE = '/var/tmp/debstep-test-cache';

export async function baseTarball(suite: string, arch: string): Promise<string> {
  const file = join(CACHE, `${suite}-${arch}-minbase.tar.gz`);
  if (await stat(file).then((s) => s.size > 0, () => false)) return file;
  await mkdir(CACHE, { recursive: true });
  const partial = `${file}.${process.pid}.partial.tar.gz`;
  try {
    await promisify(execFile)('mmdebstrap', ['--quiet', '--variant=minbase', `--architectures=${arch}`, suite, partial, await hostDebianMirror()], { maxBuffer: 64 << 20 });
    // Atomic: a concurrent run sees the whole tarball or none.
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

/** The host's architecture in Debian's words: the base runs natively. */
export function hostArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386' } as Record<string, string>)[process.arch] ?? process.arch;
}
