import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAr } from '../../../../src/util/deb-repack.js';
import type { ExecRequest } from '../../../../src/vm/machine.js';
import { debootstrap } from '../../../../src/engine/actions/debootstrap.js';
import { NO_CONTAINER } from '../../../../src/engine/actions/debootstrap-first-stage.js';
import { params } from './check.js';
import { runAction, tempDir } from './run-action.js';

const bootstrap = async (t: Parameters<typeof tempDir>[0], offload: boolean, arch = 'amd64', props: Record<string, unknown> = {}) =>
  runAction(await tempDir(t), debootstrap, params({ action: 'debootstrap', suite: 'bookworm', variant: 'minbase', ...props }), { offload, arch });

test('on the host backend a bookworm root is made by mmdebstrap with the same package choice', async (t) => {
  const { outside, inMachine } = await bootstrap(t, false, 'arm64', { 'keyring-package': 'k', components: ['main', 'contrib'] });
  assert.deepEqual(outside, []);
  const argv = inMachine[0]!;
  assert.equal(argv[0], 'mmdebstrap');
  for (const a of ['--variant=minbase', '--hook-dir=/usr/share/mmdebstrap/hooks/merged-usr', '--include=k', '--components=main,contrib', '--architectures=arm64', '--skip=cleanup/apt/lists']) {
    assert.ok(argv.includes(a), a);
  }
  assert.deepEqual(argv.slice(-3), ['bookworm', '/fake-root', 'http://mirror.invalid/debian']);
  assert.deepEqual(inMachine.slice(1), [['apt-get', 'clean']], 'no second stage');
});

test('mmdebstrap names debootstrap\'s variants and split /usr its own way', async (t) => {
  const variants: Array<[string | undefined, string]> = [[undefined, 'debootstrap'], ['buildd', 'buildd']];
  for (const [variant, expected] of variants) {
    const { inMachine } = await bootstrap(t, false, 'amd64', { variant, 'merged-usr': 'false' });
    assert.ok(inMachine[0]!.includes(`--variant=${expected}`), String(variant));
    assert.ok(inMachine[0]!.includes('--hook-dir=/usr/share/mmdebstrap/hooks/no-merged-usr'));
  }
});

const debootstrapCases: Array<[string, Record<string, unknown>]> = [
  ['a suite whose merged /usr debootstrap makes itself', { suite: 'bullseye' }],
  ['a variant mmdebstrap has not', { variant: 'fakechroot' }],
  ['a script of its own', { script: '/usr/share/debootstrap/scripts/sid' }],
  ['no signature check', { 'check-gpg': 'false' }],
  ['a client certificate', { certificate: 'c.pem' }],
];
for (const [why, props] of debootstrapCases) {
  test(`debootstrap itself runs for ${why}`, async (t) => {
    const { inMachine } = await bootstrap(t, false, 'amd64', props);
    assert.equal(inMachine[0]![0], 'debootstrap');
  });
}

test('where debootstrap runs on the host, it fetches and runs its first stage, then its second in the root', async (t) => {
  const { outside, inMachine } = await bootstrap(t, false, 'amd64', { suite: 'bullseye' });
  assert.deepEqual(outside, []);
  assert.equal(inMachine[0]![0], 'debootstrap');
  assert.ok(!inMachine[0]!.some((a) => /tarball/.test(a)) && inMachine[0]!.includes('--foreign'));
  assert.equal(inMachine[0]!.at(-3), '/fake-root');
  assert.deepEqual(inMachine[1]!.slice(0, 4), ['chroot', '/fake-root', '/debootstrap/debootstrap', '--no-check-gpg']);
  assert.ok(inMachine[1]!.includes('--second-stage'));
});

test('in a VM the packages are fetched outside it into a tarball, which the VM installs from', async (t) => {
  const { outside: [wget, ...outside], inMachine, events } = await bootstrap(t, true);
  assert.deepEqual(wget, ['wget', '-q', '-O', wget![3]!, 'http://mirror.invalid/debian/dists/bookworm/InRelease'], 'the mirror\'s InRelease first');
  assert.equal(outside.length, 3);
  const make = outside[0]!.find((a) => a.startsWith('--make-tarball='))!.slice('--make-tarball='.length);
  assert.ok(make, 'fetched into a tarball');
  const tree = outside[1]!.at(-1)!;
  assert.deepEqual(outside[1], ['tar', '-xzf', make, '-C', tree], 'unpacked outside');
  const plain = make.replace(/\.gz$/, '');
  assert.deepEqual(outside[2], ['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', tree, '-cf', plain, 'var/lib/apt', 'var/cache/apt', 'debootstrap'], 'and made a plain tar of the same members, as root\'s');
  assert.notEqual(outside[0]!.at(-3), '/fake-root', 'into a target of its own, not the root');
  assert.ok(outside[0]!.includes('--variant=minbase') && outside[0]!.includes('--merged-usr'), 'the same package choice');
  assert.deepEqual(inMachine[0]!.filter((a) => a.startsWith('--unpack-tarball=')), [`--unpack-tarball=${plain}`]);
  assert.equal(inMachine[0]!.at(-3), '/fake-root');
  const command = events.find((e) => e.type === 'command' && e.label === 'debootstrap (fetch)');
  assert.equal(command?.type === 'command' && command.outside, true, 'the log says where it ran');
});

test('in a VM the fetched packages go into the tarball with their data.tar uncompressed', async (t) => {
  const dir = await tempDir(t);
  // A package as debootstrap fetched it.
  const pkg = join(dir, 'pkg');
  await mkdir(join(pkg, 'DEBIAN'), { recursive: true });
  await writeFile(join(pkg, 'DEBIAN/control'), 'Package: demo\nVersion: 1\nArchitecture: all\nMaintainer: n <n@example.invalid>\nDescription: d\n');
  const deb = join(dir, 'demo_1_all.deb');
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', pkg, deb], { stdio: 'ignore' });
  let members: string[] = [];
  let broken = '';
  const onOutside = async (req: ExecRequest) => {
    if (req.argv[0] !== 'tar') return;
    const tree = req.argv[req.argv.indexOf('-C') + 1]!;
    const archives = join(tree, 'var/cache/apt/archives');
    if (req.argv[1] === '-xzf') {
      await mkdir(archives, { recursive: true });
      await copyFile(deb, join(archives, 'demo_1_all.deb'));
      await writeFile(join(archives, 'broken_1_all.deb'), 'not a package');
    } else {
      members = readAr(await readFile(join(archives, 'demo_1_all.deb'))).map((m) => m.name);
      broken = await readFile(join(archives, 'broken_1_all.deb'), 'utf8');
    }
  };
  const { events } = await runAction(dir, debootstrap, params({ action: 'debootstrap', suite: 'bookworm', variant: 'minbase' }), { offload: true, onOutside });
  assert.deepEqual(members.filter((m) => m.startsWith('data.tar')), ['data.tar'], `when tarred: ${members.join(' ')}`);
  assert.equal(broken, 'not a package', 'what cannot be repacked goes in as fetched');
  assert.ok(events.some((e) => e.type === 'info' && /^1 packages with data\.tar uncompressed/.test(e.message)));
  assert.ok(events.some((e) => e.type === 'info' && /^kept as fetched: broken_1_all\.deb \(not an ar archive\)/.test(e.message)));
});

test('a foreign root in a VM: fetched for its architecture, then a first stage only', async (t) => {
  const { outside, inMachine } = await bootstrap(t, true, 'arm64');
  assert.ok(outside[1]!.includes('--arch=arm64') && !outside[1]!.includes('--foreign'), '--foreign and --make-tarball are two first stages');
  assert.ok(inMachine[0]!.includes('--foreign') && inMachine[0]!.includes('--arch=arm64'));
});

/** debootstrap's first stage as a stand-in: what it leaves in its target. */
async function fakeFirstStage(argv: readonly string[]): Promise<void> {
  const target = argv.at(-3)!;
  await mkdir(join(target, 'debootstrap'), { recursive: true });
  await writeFile(join(target, 'debootstrap/functions'), 'as the first stage copied them');
}

test('in a VM, as root, the first stage runs outside it too, finding no container; the VM unpacks its tree, then its own /etc files', async (t) => {
  const dir = await tempDir(t);
  let debootstrapDir = '';
  let functions = '';
  let shipped = '';
  const onOutside = async ({ argv, env }: ExecRequest) => {
    if (argv[0] === 'debootstrap' && argv.includes('--foreign')) {
      debootstrapDir = env?.DEBOOTSTRAP_DIR ?? '';
      functions = await readFile(join(debootstrapDir, 'functions'), 'utf8');
      assert.equal(await readlink(join(debootstrapDir, 'scripts')), '/usr/share/debootstrap/scripts');
      await fakeFirstStage(argv);
    }
    if (argv[0] === 'tar' && argv.includes('.')) shipped = await readFile(join(argv[argv.indexOf('-C') + 1]!, 'debootstrap/functions'), 'utf8');
  };
  const { outside, inMachine } = await runAction(dir, debootstrap, params({ action: 'debootstrap', suite: 'bookworm', variant: 'minbase' }), { offload: true, outsideAsRoot: true, onOutside });
  assert.ok(outside.some((a) => a.some((x) => x.startsWith('--make-tarball='))), 'fetched outside');
  const first = outside.find((a) => a[0] === 'debootstrap' && a.includes('--foreign'))!;
  assert.ok(first.some((a) => a.startsWith('--unpack-tarball=')) && first.includes('--variant=minbase'), first.join(' '));
  assert.notEqual(first.at(-3), '/fake-root', 'into a target of its own');
  const own = readFileSync('/usr/share/debootstrap/functions', 'utf8');
  assert.equal(functions, own + NO_CONTAINER, "debootstrap's own functions, with a detect_container that finds none");
  assert.equal(shipped, own, 'the target gets the functions as they are');
  const tar = outside.at(-1)!;
  assert.deepEqual(tar.slice(0, 4), ['tar', '--numeric-owner', '--exclude=./etc/resolv.conf', '--exclude=./etc/hostname'], "the host's /etc files stay out");
  const file = tar[tar.indexOf('-cf') + 1]!;
  assert.deepEqual(inMachine[0], ['sh', '-c', 'tar --numeric-owner -xf "$1" -C "$2" && cp -a /etc/resolv.conf /etc/hostname "$2/etc/"', 'sh', file, '/fake-root']);
  assert.ok(!inMachine.some((a) => a[0] === 'debootstrap'), 'no first stage in the VM');
  assert.ok(inMachine[1]!.includes('--second-stage'));
});

test('a first stage that fails outside the VM runs in it instead, and not as another user', async (t) => {
  const failing = async ({ argv }: ExecRequest) => (argv[0] === 'debootstrap' && argv.includes('--foreign') ? 1 : undefined);
  for (const [outsideAsRoot, onOutside, why] of [[true, failing, 'failed outside'], [false, undefined, 'not root']] as const) {
    const { inMachine, events } = await runAction(await tempDir(t), debootstrap, params({ action: 'debootstrap', suite: 'bookworm', variant: 'minbase' }), { offload: true, outsideAsRoot, ...(onOutside ? { onOutside } : {}) });
    assert.equal(inMachine[0]![0], 'debootstrap', why);
    assert.ok(inMachine[0]!.includes('--foreign') && inMachine[0]!.some((a) => a.startsWith('--unpack-tarball=')), why);
    assert.equal(events.some((e) => e.type === 'info' && /first stage failed outside the VM \(exit status 1\); it runs in the VM instead/.test(e.message)), outsideAsRoot, why);
  }
});

/**
 * Bootstraps in a VM with a stand-in for the network and debootstrap: the mirror serves
 * `mirror` as its InRelease, and debootstrap's fetch gets `fetched` (the mirror may change
 * between the two). Returns what ran outside and what the VM installed from.
 */
async function bootstrapFrom(dir: string, mirror: string, fetched = mirror, props: Record<string, unknown> = {}) {
  const onOutside = async (req: ExecRequest) => {
    const { argv } = req;
    if (argv[0] === 'wget') await writeFile(argv[3]!, mirror);
    if (argv[1] === '-xzf') {
      const lists = join(argv.at(-1)!, 'var/lib/apt/lists');
      await mkdir(lists, { recursive: true });
      await writeFile(join(lists, 'mirror.invalid_debian_dists_bookworm_InRelease'), fetched);
    }
    if (argv.includes('-cf')) await writeFile(argv[argv.indexOf('-cf') + 1]!, `packages of ${fetched}`);
  };
  let installed = '';
  const run = await runAction(dir, debootstrap, params({ action: 'debootstrap', suite: 'bookworm', variant: 'minbase', ...props }), { offload: true, onOutside, onExec: ({ argv }) => {
    const from = argv.find((a) => a.startsWith('--unpack-tarball='));
    if (from) installed = readFileSync(from.slice('--unpack-tarball='.length), 'utf8');
  } });
  return { ...run, fetches: run.outside.filter((a) => a[0] === 'debootstrap').length, installed };
}

const kept = (dir: string) => readdir(join(dir, 'state/cache/debootstrap-fetch'));

test('in a VM the fetched packages are kept: the next bootstrap from the same InRelease fetches nothing', async (t) => {
  const dir = await tempDir(t);
  assert.deepEqual((await bootstrapFrom(dir, 'release 1')).fetches, 1);
  const again = await bootstrapFrom(dir, 'release 1');
  assert.equal(again.fetches, 0, 'not fetched again');
  assert.deepEqual(again.outside.map((a) => a[0]), ['wget'], 'only the InRelease was read');
  assert.equal(again.installed, 'packages of release 1', 'the VM installs the kept packages');
  assert.ok(again.events.some((e) => e.type === 'info' && /^packages as fetched before from the same InRelease/.test(e.message)));
});

test('a kept fetch is not taken when the mirror, the properties or the keyring change', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'keys.gpg'), 'key 1');
  await bootstrapFrom(dir, 'release 1', 'release 1', { 'keyring-file': 'keys.gpg' });
  assert.equal((await bootstrapFrom(dir, 'release 2', 'release 2', { 'keyring-file': 'keys.gpg' })).fetches, 1, 'a new InRelease');
  assert.equal((await bootstrapFrom(dir, 'release 2', 'release 2', { 'keyring-file': 'keys.gpg', components: ['main', 'contrib'] })).fetches, 1, 'other components');
  await writeFile(join(dir, 'keys.gpg'), 'key 2');
  assert.equal((await bootstrapFrom(dir, 'release 2', 'release 2', { 'keyring-file': 'keys.gpg' })).fetches, 1, 'another keyring');
  assert.equal((await bootstrapFrom(dir, 'release 2', 'release 2', { 'keyring-file': 'keys.gpg' })).fetches, 0, 'all unchanged');
  assert.equal((await kept(dir)).length, 3, 'no more than three kept, the most recently used');
});

test('a fetch is kept under the InRelease debootstrap got, not the one read before it', async (t) => {
  const dir = await tempDir(t);
  await bootstrapFrom(dir, 'release 1', 'release 2');
  assert.equal((await bootstrapFrom(dir, 'release 1')).fetches, 1, 'release 1 was never fetched');
  const later = await bootstrapFrom(dir, 'release 2');
  assert.equal(later.fetches, 0);
  assert.equal(later.installed, 'packages of release 2');
});

test('a mirror without an InRelease over http is fetched every time', async (t) => {
  const dir = await tempDir(t);
  for (let i = 0; i < 2; i++) {
    const { outside, fetches } = await bootstrapFrom(dir, 'release 1', 'release 1', { mirror: 'file:///srv/mirror' });
    assert.equal(fetches, 1);
    assert.ok(!outside.some((a) => a[0] === 'wget'));
  }
  assert.deepEqual(await kept(dir), []);
});
