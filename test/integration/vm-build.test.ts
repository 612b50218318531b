// debstep build with the VM backend, as users run it: a real recipe (unpack a base, apt
// from the mirror, a chroot command, an overlay, pack) as root and as an unprivileged user,
// a failing action, a guest that cannot boot, and an arm64 root built inside the VM.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { chooseKernel } from '../../src/vm/qemu/kernel.js';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstepArgv, debstep, REPO, SOURCE_ENV, tarList, tarRead, tarVerbose } from '../helpers/debstep.js';
import { checkTarballManifests } from '../helpers/manifest.js';
import { qemuProcessesWith, treeWithBrokenModule } from './vm-helpers.js';

const NOBODY = 65534;
const dirs: string[] = [];
let amd64: string;

before(async () => {
  amd64 = await baseRootTarball('bookworm', 'amd64', 'tar');
});

after(async () => {
  for (const d of dirs) {
    assert.deepEqual(qemuProcessesWith(d), [], 'no QEMU process is left behind');
    await rm(d, { recursive: true, force: true });
  }
});

const RECIPE = (arch: string, extra = '') => `architecture: ${arch}
actions:
  - action: unpack
    origin: recipe
    file: base.tar
${extra}  - action: run
    chroot: true
    command: uname -m > /uname-m; uname -r > /uname-r
  - action: overlay
    source: overlay
  - action: pack
    file: out.tar.gz
`;

/** A recipe directory under /var/tmp (readable by other users, unlike a private /tmp). */
async function project(base: string, recipe: string): Promise<{ dir: string; recipe: string; art: string; state: string }> {
  const dir = await mkdtemp('/var/tmp/debstep-vm-build-');
  dirs.push(dir);
  await chmod(dir, 0o755);
  await copyFile(base, join(dir, 'base.tar'));
  await mkdir(join(dir, 'overlay/etc'), { recursive: true });
  await writeFile(join(dir, 'overlay/etc/from-overlay'), 'overlaid\n');
  await writeFile(join(dir, 'recipe.yaml'), recipe);
  for (const d of ['out', 'state']) await mkdir(join(dir, d));
  return { dir, recipe: join(dir, 'recipe.yaml'), art: join(dir, 'out'), state: join(dir, 'state') };
}

const APT = '  - action: apt\n    packages: [hello]\n';

async function checkArtifact(art: string, machine: string): Promise<void> {
  const tar = join(art, 'out.tar.gz');
  const members = await tarList(tar);
  assert.ok(members.includes('./usr/bin/hello'), 'hello came from the mirror through the guest network');
  assert.equal((await tarRead(tar, './etc/from-overlay')).toString(), 'overlaid\n');
  assert.equal((await tarRead(tar, './uname-m')).toString(), `${machine}\n`);
  assert.match((await tarRead(tar, './uname-r')).toString(), new RegExp(`^${(await chooseKernel({})).release}$`, 'm'), 'the chroot ran in the VM, on its kernel');
}

test('as root: debstep build --backend vm builds the recipe inside the VM', async () => {
  const p = await project(amd64, RECIPE('amd64', APT));
  const r = await debstep(['build', p.recipe, '--backend', 'vm', '--artifactdir', p.art, '--state-dir', p.state]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /on the vm backend \(asked for the VM backend/);
  // KVM where a probe proved it works; else TCG, and the fallback said out loud.
  assert.match(r.stdout, /^\[accel\] (KVM|TCG .*because KVM does not work)/m);
  await checkArtifact(p.art, 'x86_64');

  // A re-run takes every layer from the VM's layer cache (its own disk) and packs nothing.
  const cached = (stdout: string) => [...stdout.matchAll(/^==== (\w+) ==== \(cached\)$/gm)].map((m) => m[1]);
  const again = await debstep(['build', p.recipe, '--backend', 'vm', '--artifactdir', p.art, '--state-dir', p.state]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.deepEqual(cached(again.stdout), ['unpack', 'apt', 'run', 'overlay', 'pack']);
  assert.doesNotMatch(again.stdout, /^\[vm\] (starting|agent ready)/m, 'nothing ran: no VM was booted');
  await writeFile(join(p.dir, 'overlay/etc/from-overlay'), 'overlaid again\n');
  const edited = await debstep(['build', p.recipe, '--backend', 'vm', '-v', '--artifactdir', p.art, '--state-dir', p.state]);
  assert.equal(edited.code, 0, edited.stdout + edited.stderr);
  assert.deepEqual(cached(edited.stdout), ['unpack', 'apt', 'run']);
  assert.match(edited.stdout, /^\[vm\] starting a QEMU VM with (KVM|TCG)/m, 'the overlay boots the VM');
  assert.match(edited.stdout, /\(action 4 runs, not from the cache: overlay overlay: etc\/from-overlay changed\)/);
  assert.equal((await tarRead(join(p.art, 'out.tar.gz'), './etc/from-overlay')).toString(), 'overlaid again\n');
});

test('debootstrap for the VM: fetched and first stage outside it (as root), second stage in the guest', async () => {
  const p = await project(amd64, 'architecture: amd64\nactions:\n  - action: debootstrap\n    suite: bookworm\n    variant: minbase\n  - action: pack\n    file: out.tar.gz\n');
  const r = await debstep(['build', p.recipe, '--backend', 'vm', '--events', join(p.dir, 'events.jsonl'), '--artifactdir', p.art, '--state-dir', p.state]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const events = (await readFile(join(p.dir, 'events.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string; label?: string; outside?: boolean });
  const ran = events.filter((e) => e.type === 'command').map((e) => `${e.label}${e.outside ? ' (outside)' : ''}`);
  assert.ok(ran.includes('debootstrap (first stage) (outside)') && ran.includes('debootstrap (first stage)'), ran.join(', '));
  assert.ok(!ran.includes('debootstrap'), 'no first stage in the guest');
  const tar = join(p.art, 'out.tar.gz');
  const members = await tarList(tar);
  for (const m of ['./usr/bin/dpkg', './usr/bin/apt-get', './var/lib/dpkg/status']) assert.ok(members.includes(m), m);
  assert.ok(!members.some((m) => m.startsWith('./debootstrap')), 'the second stage finished');
  assert.match(await tarVerbose(tar, './proc/'), /^d/, '/proc is a directory, as a first stage in the guest makes it');
  assert.equal((await tarRead(tar, './etc/hostname')).toString(), 'debstep-vm\n', "the guest's, as its own first stage would have copied it");
  const status = (await tarRead(tar, './var/lib/dpkg/status')).toString().split('\n\n').filter(Boolean);
  assert.ok(status.length > 80 && status.every((s) => /^Status: install ok installed$/m.test(s)), 'every package configured');
});

const canSwitchUser = process.getuid?.() === 0 && ((await stat(REPO)).mode & 0o005) === 0o005;

test('as an unprivileged user: auto picks the VM and the artifact belongs to the user', { skip: !canSwitchUser && 'needs root and a checkout other users can read' }, async () => {
  const p = await project(amd64, RECIPE('amd64', APT));
  for (const d of [p.dir, p.art, p.state]) await chown(d, NOBODY, NOBODY);
  const [node, ...args] = debstepArgv(['build', p.recipe, '--artifactdir', p.art, '--state-dir', p.state]);
  const r = await promisify(execFile)('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', node!, ...args], {
    cwd: p.dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', ...SOURCE_ENV },
    maxBuffer: 64 << 20,
  }).catch((e: { stdout: string; stderr: string; code: number }) => e);
  assert.match(r.stdout, /on the vm backend \((KVM works: a VM with KVM|KVM does not work .* and not root with CAP_SYS_ADMIN: a VM under TCG)/, r.stdout + r.stderr);
  await checkArtifact(p.art, 'x86_64');
  assert.equal((await stat(join(p.art, 'out.tar.gz'))).uid, NOBODY);
});

test('a failing action in the VM fails the build with its command and exit status', async () => {
  const p = await project(amd64, `architecture: amd64\nactions:\n  - action: unpack\n    origin: recipe\n    file: base.tar\n  - action: run\n    chroot: true\n    command: echo about to fail; exit 9\n`);
  const r = await debstep(['build', p.recipe, '--backend', 'vm', '--artifactdir', p.art, '--state-dir', p.state]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: Action 'run' failed at stage Run: .*exit status 9$/m);
  assert.match(r.stderr, /^ {2}command: sh -e -c 'echo about to fail; exit 9'$/m);
  assert.match(r.stderr, /^ {4}\| about to fail$/m);
});

test('a guest that cannot mount the host is reported as it stops, with its reason', async () => {
  const p = await project(amd64, RECIPE('amd64'));
  const kernel = await chooseKernel({});
  const modules = await treeWithBrokenModule(kernel, '9p');
  dirs.push(join(modules, '..'));
  const r = await debstep(['build', p.recipe, '--backend', 'vm', '--kernel', kernel.image, '--modules', modules, '--artifactdir', p.art, '--state-dir', p.state]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  // As QEMU exits, not when the bound on the boot (a minute under TCG) runs out: no wall
  // clock, which a loaded machine stretches.
  assert.match(r.stderr, /the VM stopped before its agent was ready \(QEMU exit status 0\): cannot load kernel module 9p/, r.stderr);
});

test('an arm64 root builds inside the VM through binfmt in the guest', async () => {
  const p = await project(await baseRootTarball('bookworm', 'arm64', 'tar'), RECIPE('arm64'));
  const r = await debstep(['build', p.recipe, '--backend', 'vm', '--artifactdir', p.art, '--state-dir', p.state]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const tar = join(p.art, 'out.tar.gz');
  assert.equal((await tarRead(tar, './uname-m')).toString(), 'aarch64\n');
  assert.equal((await tarRead(tar, './usr/bin/bash')).readUInt16LE(18), 0xb7, '/bin/bash is an AArch64 ELF');
  const manifest = await checkTarballManifests(tar);
  assert.match(manifest, /^libc6\t\S+\tarm64\tglibc$/m, "the manifest of a foreign root in the VM has the root's packages");
});
