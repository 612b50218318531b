// Bootstrapping real roots from the host's mirror: debootstrap (through mmdebstrap, and
// itself) for amd64, the ported debos example recipe, and an arm64 root with mmdebstrap
// through binfmt_misc and qemu-user.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { hostDebianMirror } from '../../src/engine/machine/host-mirror.js';
import { debootstrap } from '../../src/engine/actions/debootstrap.js';
import type { ExecRequest } from '../../src/vm/machine.js';
import { params } from '../unit/engine/actions/check.js';
import { runAction } from '../unit/engine/actions/run-action.js';
import { debstep, mountsUnder, REPO, tarList, tarRead, tarVerbose, tempDir } from '../helpers/debstep.js';

async function build(t: Parameters<typeof tempDir>[0], recipe: string, state?: string) {
  const dir = await tempDir(t);
  const art = join(dir, 'out');
  await mkdir(art);
  await writeFile(join(dir, 'recipe.yaml'), recipe);
  const r = await debstep(['build', join(dir, 'recipe.yaml'), '--artifactdir', art, '--state-dir', state ?? join(dir, 'state')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await mountsUnder(dir), []);
  return { art, r };
}

const minbase = (tool: string, extra = '') => `architecture: amd64
actions:
  - action: ${tool}
    suite: bookworm
    variant: minbase${extra}
  - action: pack
    file: root.tar.gz
`;

async function checkMinbase(tar: string) {
  const members = await tarList(tar);
  assert.match((await tarRead(tar, './etc/debian_version')).toString(), /^12\./);
  assert.ok(members.includes('./usr/bin/bash'));
  assert.match(await tarVerbose(tar, './bin'), /-> usr\/bin/, 'merged /usr');
  assert.ok(!members.includes('./etc/resolv.conf'), 'the host resolv.conf is not left in the image');
  assert.ok(!members.some((m) => m.endsWith('.deb')), 'no packages left in the image');
  assert.ok(!members.some((m) => /policy-rc\.d$/.test(m)));
  return members;
}

/** `package version` of every installed package, from the root's dpkg status. */
async function installed(tar: string): Promise<string[]> {
  const stanzas = (await tarRead(tar, './var/lib/dpkg/status')).toString().split(/\n\n+/);
  return stanzas
    .filter((s) => /^Status: install ok installed$/m.test(s))
    .map((s) => `${/^Package: (.*)$/m.exec(s)![1]} ${/^Version: (.*)$/m.exec(s)![1]}`)
    .sort();
}

test('a minbase bookworm amd64 root with debootstrap: by mmdebstrap, the same packages as debootstrap itself', async (t) => {
  const dir = await tempDir(t);
  const state = join(dir, 'state');
  const { art, r } = await build(t, minbase('debootstrap'), state);
  const tar = join(art, 'root.tar.gz');
  const members = await checkMinbase(tar);
  assert.match(r.stdout, /==== debootstrap ====/);
  // No mirror in the recipe: the host's apt sources name it.
  assert.equal((await tarRead(tar, './etc/apt/sources.list')).toString(), `deb ${await hostDebianMirror()} bookworm main\n`);
  assert.ok(members.some((m) => m.endsWith('_Packages')), 'the apt lists are kept, as debootstrap keeps them');
  // A script of its own makes debootstrap itself run (the package cache is shared).
  const own = await build(t, minbase('debootstrap', '\n    script: /usr/share/debootstrap/scripts/bookworm'), state);
  assert.match(own.r.stdout, /debootstrap \(stage 2\)|I: Base system installed successfully/);
  const ownTar = join(own.art, 'root.tar.gz');
  await checkMinbase(ownTar);
  assert.deepEqual(await installed(tar), await installed(ownTar));
});

test('in a VM, the packages debootstrap fetches outside it are kept, and as root its first stage runs outside it too: the next bootstrap from the unchanged mirror fetches nothing', async (t) => {
  const dir = await tempDir(t);
  // The fetch and the first stage for real, the VM a stand-in that records what it unpacks.
  const bootstrap = async () => {
    let listing = '';
    let functions = '';
    // Read when the VM unpacks it: the tar is gone once the action ends.
    const onExec = ({ argv }: ExecRequest) => {
      if (argv[0] !== 'sh' || listing) return;
      listing = execFileSync('tar', ['-tvf', argv[4]!], { encoding: 'utf8', maxBuffer: 64 << 20 });
      functions = execFileSync('tar', ['-xOf', argv[4]!, './debootstrap/functions'], { encoding: 'utf8' });
    };
    const props = params({ action: 'debootstrap', suite: 'bookworm', variant: 'minbase', mirror: await hostDebianMirror() });
    const { outside } = await runAction(dir, debootstrap, props, { offload: true, realOutside: true, outsideAsRoot: true, onExec });
    const fetched = outside.some((argv) => argv.some((a) => a.startsWith('--make-tarball=')));
    return { fetched, listing, functions, members: listing.trim().split('\n').map((l) => l.split(/\s+/)[5]!) };
  };
  const first = await bootstrap();
  assert.ok(first.fetched);
  assert.ok(first.members.includes('./debootstrap/required'), "debootstrap's files");
  assert.ok(first.members.filter((m) => m.endsWith('.deb')).length > 80, "with a minbase's packages for the second stage");
  assert.ok(first.members.includes('./usr/bin/dpkg') && first.members.includes('./bin'), 'and the packages unpacked, /usr merged');
  // As in a VM, which is no container, even where this host is one (docker's gets a symlink).
  assert.match(first.listing, /^d\S+ 0\/0 .* \.\/proc\/$/m, '/proc is a directory');
  assert.ok(!first.members.includes('./etc/hostname') && !first.members.includes('./etc/resolv.conf'), "none of this host's /etc files");
  assert.equal(first.functions, readFileSync('/usr/share/debootstrap/functions', 'utf8'), "debootstrap's functions as they are, for the second stage");
  const second = await bootstrap();
  assert.equal(second.fetched, false, "only the mirror's InRelease was read");
  assert.deepEqual(second.members, first.members);
  assert.equal((await readdir(join(dir, 'state/cache/debootstrap-fetch'))).length, 1);
});

test('the ported debos example recipe: a user, sudoers overlay and hostname, packed', async (t) => {
  const dir = await tempDir(t);
  const r = await debstep(['build', join(REPO, 'recipes/debian-example/debian-example.yaml'), '--artifactdir', dir, '--state-dir', join(dir, 'state')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const tar = join(dir, 'debian-example-ospack-trixie-amd64.tar.gz');
  assert.equal((await tarRead(tar, './etc/hostname')).toString(), 'debian\n');
  assert.match((await tarRead(tar, './etc/passwd')).toString(), /^user:x:1000:1000:User(,,,)?:\/home\/user:\/bin\/bash$/m);
  assert.match((await tarRead(tar, './etc/group')).toString(), /^sudo:x:27:user$/m);
  assert.equal((await tarRead(tar, './etc/sudoers.d/user')).toString(), '%sudo    ALL=(ALL) NOPASSWD: /usr/bin/su\n');
  const members = await tarList(tar);
  for (const pkg of ['usr/bin/sudo', 'usr/sbin/sshd', 'usr/sbin/adduser', 'usr/sbin/init']) assert.ok(members.includes(`./${pkg}`), pkg);
});

test('an arm64 root with mmdebstrap: aarch64 binaries, and chroot commands run as aarch64', async (t) => {
  const { art } = await build(t, `architecture: arm64
actions:
  - action: mmdebstrap
    suite: bookworm
    variant: minbase
  - action: run
    chroot: true
    command: uname -m > /uname-m
  - action: pack
    file: root.tar.gz
`);
  const tar = join(art, 'root.tar.gz');
  await checkMinbase(tar);
  const bash = await tarRead(tar, './usr/bin/bash');
  assert.equal(bash.subarray(0, 4).toString('latin1'), '\x7fELF');
  assert.equal(bash.readUInt16LE(18), 0xb7, 'e_machine is AArch64');
  assert.equal((await tarRead(tar, './uname-m')).toString(), 'aarch64\n');
});
