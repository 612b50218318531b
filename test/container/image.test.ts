// The repository's Dockerfile, built and run for real. With Docker (the daemon this machine
// runs, else a dockerd the test starts and stops, see docker-daemon.ts): the base image made
// by scripts/container-base.sh (mmdebstrap; no registry is needed), the image built with the
// proxy's CA certificates, then the README's quick start: `docker run` exactly as the README
// writes it, the entry point's smoke test (version, check, doctor, a small build in the VM
// under TCG) as an unprivileged container, and a --privileged build on the host backend.
// With podman only: the image built with --isolation chroot, and run by podman, else (a
// podman that cannot start containers) its exported root run as an unprivileged container
// would run it (in-root.ts). With neither, the test says so and skips;
// runtime-root.test.ts still checks the package list without an engine.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { REPO, tempDir } from '../helpers/debstep.js';
import { which } from '../../src/util/which.js';
import { dockerDaemon } from './docker-daemon.js';
import { assertSmokeArtifact, runInRoot, smokeRecipe, smokeTest, tryRun, type Result } from './in-root.js';

const run = promisify(execFile);
const BASE = 'localhost/debstep-test-base:trixie';
const IMAGE = 'localhost/debstep:test';
/** On the images the test builds, so that it prunes only its own. */
const LABEL = 'debstep-test=image';

/** This machine's own CA certificates: a TLS-intercepting proxy's must reach npm in the build. */
async function localCaCerts(): Promise<string> {
  const dir = '/usr/local/share/ca-certificates';
  const names = (await readdir(dir).catch(() => [])).filter((n) => n.endsWith('.crt'));
  return (await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')))).join('\n');
}

const failed = (what: string, r: Result): string => `${what} failed (exit ${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`;

/** The base image, made by scripts/container-base.sh unless the engine has it from an earlier run. */
async function baseImage(engine: string, env: NodeJS.ProcessEnv): Promise<void> {
  if ((await tryRun([engine, 'image', 'inspect', BASE], { env })).code === 0) return;
  const made = await tryRun(['bash', join(REPO, 'scripts/container-base.sh'), BASE], { env: { ...env, ENGINE: engine }, timeout: 1_200_000 });
  assert.equal(made.code, 0, failed('scripts/container-base.sh', made));
}

/** The README's `docker run` lines of its container quick start, as written there. */
async function readmeRunLines(): Promise<string[]> {
  const readme = await readFile(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### In a container'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((l) => l.startsWith('docker run ')).map((l) => l.replace(/\s+#.*$/, ''));
}

test('with Docker: the image builds from a base made by container-base.sh, and the README\'s quick start runs: unprivileged in the VM under TCG, --privileged on the host backend', { timeout: 3_600_000 }, async (t) => {
  const daemon = await dockerDaemon();
  if (typeof daemon === 'string') return t.skip(daemon);
  t.diagnostic(`using ${daemon.what}`);
  const env = daemon.env;
  try {
    await dockerQuickStart(t, env, daemon.own);
  } finally {
    await daemon.stop();
  }
});

async function dockerQuickStart(t: TestContext, env: NodeJS.ProcessEnv, own: boolean): Promise<void> {
  /** `docker run` as the README writes it, with this directory as $PWD. */
  const dockerRun = (dir: string, options: readonly string[], args: readonly string[]) =>
    tryRun(['sh', '-c', `exec docker run ${options.join(' ')} -v "$PWD:/recipes" -w /recipes "$@"`, 'sh', IMAGE, ...args], { env, cwd: dir, timeout: 1_800_000 });

  await t.test('the image builds (base from scripts/container-base.sh, --network host, the proxy\'s CA)', async () => {
    await baseImage('docker', env);
    const start = Date.now();
    const build = await tryRun(['docker', 'build', '--network', 'host', '--label', LABEL, '--build-arg', `BASE=${BASE}`, '--build-arg', `EXTRA_CA_CERTS=${await localCaCerts()}`, '-t', IMAGE, REPO], { env, timeout: 3_000_000 });
    assert.equal(build.code, 0, failed('docker build', build));
    // The previous run's image, untagged now, goes; in the test's own daemon, so does the
    // build cache this build did not use (under vfs every layer is a whole tree: gigabytes).
    await tryRun(['docker', 'image', 'prune', '--force', '--filter', `label=${LABEL}`], { env });
    if (own) await tryRun(['docker', 'builder', 'prune', '--force', '--filter', `until=${Math.ceil((Date.now() - start) / 1000) + 60}s`], { env });
    const version = await tryRun(['docker', 'run', '--rm', IMAGE, '--version'], { env });
    assert.equal(version.code, 0, failed('docker run IMAGE --version', version));
    assert.match(version.stdout, /^debstep \d+\.\d+\.\d+/);
  });

  await t.test('unprivileged, without /dev/kvm: --version, check, doctor, and a small build in the VM under TCG', async () => {
    await smokeTest((recipes, argv) => dockerRun(recipes, ['--rm'], argv.slice(1)), await tempDir(t));
  });

  await t.test("the README's docker run lines, as written (in a terminal, for -it)", async (st) => {
    const lines = await readmeRunLines();
    assert.ok(lines.length > 0, "the README's container quick start has no docker run line");
    for (const line of lines) {
      if (line.includes('--device /dev/kvm') && !(await access('/dev/kvm').then(() => true, () => false))) {
        st.diagnostic(`not run, this machine has no /dev/kvm: ${line}`);
        continue;
      }
      // The image is the test's, the recipe the small one: the rest is the README's.
      assert.match(line, / debstep build x\.yaml$/, `a docker run line the test does not know: ${line}`);
      const command = line.replace(/ debstep build x\.yaml$/, ` ${IMAGE} build smoke.yaml`);
      const dir = await tempDir(t);
      await smokeRecipe(dir);
      const r = await tryRun(['script', '--quiet', '--return', '--command', command, '/dev/null'], { env, cwd: dir, timeout: 1_800_000 });
      assert.equal(r.code, 0, failed(command, r));
      assert.match(r.stdout, /on the vm backend/, r.stdout);
      await assertSmokeArtifact(dir);
      st.diagnostic(`ran: ${command}`);
    }
  });

  await t.test('--privileged: a small build on the host backend', async () => {
    const dir = await tempDir(t);
    await smokeRecipe(dir);
    const r = await dockerRun(dir, ['--rm', '--privileged'], ['build', '--backend', 'host', 'smoke.yaml']);
    assert.equal(r.code, 0, failed('docker run --privileged ... build --backend host', r));
    assert.match(r.stdout, /on the host backend/, r.stdout);
    await assertSmokeArtifact(dir);
  });
}

/** `podman export` of a container of the image, unpacked into `dir`. To a file: podman
 * cannot open its stdout when that is a socket, as node's pipes are. */
async function exportRoot(dir: string, scratch: string): Promise<void> {
  const { stdout } = await run('podman', ['create', IMAGE]);
  const id = stdout.trim();
  const tarball = join(scratch, 'image.tar');
  try {
    await run('podman', ['export', '-o', tarball, id]);
    await run('tar', ['-xf', tarball, '-C', dir]);
  } finally {
    await run('podman', ['rm', id]);
    await rm(tarball, { force: true });
  }
}

test('with podman: the image builds (--isolation chroot) and its entry point runs unprivileged, in the VM under TCG', { timeout: 3_600_000 }, async (t) => {
  if (!(await which('podman'))) return t.skip('no podman on this machine');
  const info = await tryRun(['podman', 'info']);
  if (info.code !== 0) return t.skip(`podman does not work here: ${info.stderr.trim().split('\n').at(-1)}`);
  await baseImage('podman', process.env);
  // podman builds in a chroot: RUN steps then need no OCI runtime, which a nested machine
  // may not be able to start.
  const build = await tryRun(['podman', 'build', '--isolation', 'chroot', '--network', 'host', '--build-arg', `BASE=${BASE}`, '--build-arg', `EXTRA_CA_CERTS=${await localCaCerts()}`, '-t', IMAGE, REPO], { timeout: 3_000_000 });
  assert.equal(build.code, 0, failed('podman build', build));

  const probe = await tryRun(['podman', 'run', '--rm', IMAGE, '--version']);
  if (probe.code === 0) {
    await smokeTest((recipes, argv) => tryRun(['podman', 'run', '--rm', '-v', `${recipes}:/recipes`, '-w', '/recipes', IMAGE, ...argv.slice(1)]), await tempDir(t));
    return;
  }
  t.diagnostic(`podman cannot start containers here (${probe.stderr.trim().split('\n').at(-1)}): running the image's root as an unprivileged container would`);
  const root = await tempDir(t, 'debstep-image-root-');
  await exportRoot(root, await tempDir(t));
  await smokeTest((recipes, argv) => runInRoot(root, recipes, argv), await tempDir(t));
});
