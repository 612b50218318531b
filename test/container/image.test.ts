// The repository's Dockerfile: built with the container engine this machine has (podman,
// else docker) on a Debian 12 base imported from the tests' minbase tarball (no registry
// is needed), then its entry point smoke-tested. Where the engine cannot start containers
// (nested in another container, no cgroup it can use), the image's own root is run as an
// unprivileged container would run it (in-root.ts). Where no engine works, the test says
// so and skips; runtime-root.test.ts still checks the package list without an engine.
import { execFile } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { baseRootTarball } from '../helpers/base-root.js';
import { REPO, tempDir } from '../helpers/debstep.js';
import { which } from '../../src/util/which.js';
import { runInRoot, smokeTest, tryRun } from './in-root.js';

const run = promisify(execFile);
const BASE = 'localhost/debstep-test-base:bookworm';
const IMAGE = 'localhost/debstep:test';

async function engine(): Promise<string | undefined> {
  for (const name of ['podman', 'docker']) if (await which(name)) return name;
  return undefined;
}

/** This machine's own CA certificates: a TLS-intercepting proxy's must reach npm in the build. */
async function localCaCerts(): Promise<string> {
  const dir = '/usr/local/share/ca-certificates';
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.crt'));
  return (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))).join('\n');
}

/** `engine export` of a container of the image, unpacked into `dir`. To a file: podman
 * cannot open its stdout when that is a socket, as node's pipes are. */
async function exportRoot(eng: string, dir: string, scratch: string): Promise<void> {
  const { stdout } = await run(eng, ['create', IMAGE]);
  const id = stdout.trim();
  const tarball = join(scratch, 'image.tar');
  try {
    await run(eng, ['export', '-o', tarball, id]);
    await run('tar', ['-xf', tarball, '-C', dir]);
  } finally {
    await run(eng, ['rm', id]);
    await rm(tarball, { force: true });
  }
}

test("the Dockerfile builds an image whose entry point runs, checks the example and builds in the VM under TCG, unprivileged", { timeout: 3_600_000 }, async (t) => {
  const eng = await engine();
  if (!eng) return t.skip('no container engine (podman or docker) on this machine');
  const info = await tryRun([eng, 'info']);
  if (info.code !== 0) return t.skip(`${eng} does not work here: ${info.stderr.trim().split('\n').at(-1)}`);

  await run(eng, ['import', await baseRootTarball('bookworm', 'amd64', 'tar'), BASE]);
  // podman builds in a chroot: RUN steps then need no OCI runtime, which a nested machine
  // may not be able to start.
  const isolation = eng === 'podman' ? ['--isolation', 'chroot'] : [];
  const build = await tryRun([eng, 'build', ...isolation, '--network', 'host', '--build-arg', `BASE=${BASE}`, '--build-arg', `EXTRA_CA_CERTS=${await localCaCerts()}`, '-t', IMAGE, REPO], { timeout: 3_000_000 });
  if (build.code !== 0) throw new Error(`${eng} build failed:\n${build.stdout.slice(-4000)}\n${build.stderr.slice(-4000)}`);

  const probe = await tryRun([eng, 'run', '--rm', IMAGE, '--version']);
  if (probe.code === 0) {
    t.diagnostic(`${eng} runs the image itself`);
    // The entry point is debstep: the argv's first word is the image's.
    await smokeTest((recipes, argv) => tryRun([eng, 'run', '--rm', '-v', `${recipes}:/recipes`, '-w', '/recipes', IMAGE, ...argv.slice(1)]), await tempDir(t));
    return;
  }
  t.diagnostic(`${eng} cannot start containers here (${probe.stderr.trim().split('\n').at(-1)}): running the image's root as an unprivileged container would`);
  const root = await tempDir(t, 'debstep-image-root-');
  await exportRoot(eng, root, await tempDir(t));
  await smokeTest((recipes, argv) => runInRoot(root, recipes, argv), await tempDir(t));
});
