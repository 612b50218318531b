// A minimal Debian root as a tarball, made with mmdebstrap once and cached for every
// test run on this machine (keyed by suite and architecture), so tests that need a root
// unpack it in seconds instead of bootstrapping.
import { execFile } from 'node:child_process';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hostDebianMirror } from '../../src/engine/host-mirror.js';

const run = promisify(execFile);
export const TEST_CACHE = '/var/tmp/debstep-test-cache';

const pending = new Map<string, Promise<string>>();

/** The path of a cached minbase root tarball of `suite` for `arch` (made when missing). */
export function baseRootTarball(suite = 'bookworm', arch = 'amd64'): Promise<string> {
  const key = `${suite}-${arch}`;
  let p = pending.get(key);
  if (!p) {
    p = make(suite, arch);
    pending.set(key, p);
  }
  return p;
}

async function make(suite: string, arch: string): Promise<string> {
  const file = join(TEST_CACHE, `${suite}-${arch}-minbase.tar.gz`);
  if (await access(file).then(() => true, () => false)) return file;
  await mkdir(TEST_CACHE, { recursive: true });
  const partial = `${file}.${process.pid}.partial.tar.gz`;
  try {
    await run('mmdebstrap', ['--variant=minbase', `--architectures=${arch}`, suite, partial, await hostDebianMirror()], { maxBuffer: 1 << 26 });
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return file;
}
