// Running debstep's entry point in a root directory as `docker run` without --privileged
// and without --device /dev/kvm runs it: private mount and PID namespaces, a fresh /proc, a
// /dev with only the basic nodes and its own /dev/pts (no /dev/kvm), the recipes bound at
// /recipes and the working directory there, as root without CAP_SYS_ADMIN.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { baseRootTarball } from '../helpers/base-root.js';
import { REPO } from '../helpers/debstep.js';

const run = promisify(execFile);

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const SETUP = `set -e
r=$1 recipes=$2; shift 2
mount -t proc proc "$r/proc"
mount -t tmpfs -o mode=755 tmpfs "$r/dev"
for d in null zero full random urandom tty; do touch "$r/dev/$d"; mount --bind "/dev/$d" "$r/dev/$d"; done
mkdir "$r/dev/shm" "$r/dev/pts"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts"
ln -s pts/ptmx "$r/dev/ptmx"
mount -t tmpfs tmpfs "$r/tmp"
mkdir -p "$r/recipes"
mount --bind "$recipes" "$r/recipes"
exec chroot "$r" setpriv --bounding-set -sys_admin -- sh -c 'cd /recipes && exec "$@"' sh "$@"`;

/** Runs argv to completion; never throws for a non-zero exit (-1: it did not start or timed out). */
export async function tryRun(argv: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {}): Promise<Result> {
  try {
    const r = await run(argv[0]!, argv.slice(1), { env: opts.env, cwd: opts.cwd, timeout: opts.timeout ?? 600_000, maxBuffer: 1 << 26 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}${typeof e.code === 'number' ? '' : String(err)}` };
  }
}

/** Runs argv in `root` with `recipes` at /recipes, in a container's plain environment. */
export function runInRoot(root: string, recipes: string, argv: readonly string[]): Promise<Result> {
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };
  return tryRun(['unshare', '--mount', '--pid', '--fork', '--propagation', 'private', '--', 'sh', '-c', SETUP, 'sh', root, recipes, ...argv], { env });
}

/** Puts this checkout's debstep and node into `root` where the Dockerfile puts them. */
export async function installDebstep(root: string): Promise<void> {
  const lib = join(root, 'usr/local/lib/debstep');
  await mkdir(lib, { recursive: true });
  for (const part of ['package.json', 'bin', 'dist', 'node_modules', 'recipes']) await cp(join(REPO, part), join(lib, part), { recursive: true, verbatimSymlinks: true });
  await cp(process.execPath, join(root, 'usr/local/bin/node'));
  await symlink('/usr/local/lib/debstep/bin/debstep.js', join(root, 'usr/local/bin/debstep'));
}

/** The Debian packages the image installs: scripts/host-packages.txt without comments. */
export async function runtimePackages(): Promise<string[]> {
  const text = await readFile(join(REPO, 'scripts/host-packages.txt'), 'utf8');
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** Runs an argv with a directory at /recipes, the working directory. */
export type EntryPoint = (recipes: string, argv: readonly string[]) => Promise<Result>;

/** What the image's entry point must do with no host setup: its version, check the
 * example, doctor's verdict (the root cannot mount), and a small build, which must run in
 * the VM under TCG (no CAP_SYS_ADMIN, no /dev/kvm) and make its artifact. */
export async function smokeTest(entry: EntryPoint, scratch: string): Promise<void> {
  const version = await entry(REPO, ['debstep', '--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^debstep \d+\.\d+\.\d+/);
  const check = await entry(REPO, ['debstep', 'check', 'recipes/debian-example/debian-example.yaml']);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /debian-example\.yaml: amd64, 6 actions/);
  const doctor = await entry(REPO, ['debstep', 'doctor']);
  assert.match(doctor.stdout, /root without CAP_SYS_ADMIN/, doctor.stdout + doctor.stderr);

  await smokeRecipe(scratch);
  const build = await entry(scratch, ['debstep', 'build', 'smoke.yaml']);
  assert.equal(build.code, 0, build.stdout + build.stderr);
  assert.match(build.stdout, /on the vm backend \(KVM does not work .* and not root with CAP_SYS_ADMIN: a VM under TCG/, build.stdout);
  await assertSmokeArtifact(scratch);
}

/** Puts the small recipe (smoke.yaml) and the base root it unpacks (base.tar) into `dir`. */
export async function smokeRecipe(dir: string): Promise<void> {
  const base = await baseRootTarball('bookworm', 'amd64', 'tar');
  await link(base, join(dir, 'base.tar')).catch(() => cp(base, join(dir, 'base.tar')));
  await writeFile(join(dir, 'smoke.yaml'), SMOKE_RECIPE);
}

/** The small recipe's artifact is in `dir` and holds what its run action wrote. */
export async function assertSmokeArtifact(dir: string): Promise<void> {
  const { stdout } = await run('tar', ['-xzOf', join(dir, 'smoke.tar.gz'), './etc/debstep-smoke']);
  assert.equal(stdout, 'built in a container\n');
}

const SMOKE_RECIPE = `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar
  - action: run
    chroot: true
    command: echo built in a container > /etc/debstep-smoke
  - action: pack
    file: smoke.tar.gz
`;
