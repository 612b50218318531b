// OSTree for real on the host backend: a small root (the cached minbase without its
// documentation, locales and perl, /etc moved to /usr/etc and a stand-in kernel, as
// ostree admin deploy needs) committed with ostree-commit into a bare-user repository and
// deployed with ostree-deploy into the root directory, then, in a second build that takes
// the commit from the layer cache, into a disk image. `ostree log` and `ostree show` of
// the repository, and the deployment's files, boot entry and fstab, prove it. The VM
// backend runs the same commands in the guest; under TCG the commit alone takes minutes,
// too long for CI (README, OSTree, Speed).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, tempDir } from '../helpers/debstep.js';

const exec = promisify(execFile);
let base: string;

before(async () => {
  base = await baseRootTarball('bookworm', 'amd64', 'tar');
});

const BRANCH = 'debian/bookworm/amd64';

/** The root as ostree admin deploy takes it, committed into a new archive repository. */
const COMMIT = `  - action: unpack
    origin: recipe
    file: base.tar
  - action: overlay
    source: overlay
  - action: run
    description: Prepare
    command: >-
      cd "$ROOTDIR" && rm -rf usr/share/locale usr/share/doc usr/share/man usr/share/info usr/share/zoneinfo
      usr/share/perl usr/lib/x86_64-linux-gnu/perl* usr/bin/perl* && mv etc usr/etc &&
      ostree init --repo="$ARTIFACTDIR/repo" --mode=bare-user
  - action: ostree-commit
    repository: repo
    branch: ${BRANCH}
    subject: nightly build
    collection-id: org.example.Os
    metadata:
      version: "1.0"
      vendor.key: some value
`;

/** What the root holds after a deploy, written where the test reads it. */
const REPORT = `  - action: run
    command: >-
      cd "$ROOTDIR" && ls ostree/deploy/debian/deploy > "$ARTIFACTDIR/deployments" &&
      cat boot/loader/entries/*.conf > "$ARTIFACTDIR/boot-entry" &&
      cat ostree/deploy/debian/deploy/*.0/etc/fstab > "$ARTIFACTDIR/fstab" &&
      cat ostree/deploy/debian/deploy/*.0/usr/share/debstep-test > "$ARTIFACTDIR/from-commit" &&
      cat ostree/repo/config > "$ARTIFACTDIR/sysroot-repo-config"
`;

async function project(t: Parameters<typeof tempDir>[0]): Promise<{ dir: string; art: string; state: string }> {
  const dir = await tempDir(t, 'debstep-ostree-');
  await copyFile(base, join(dir, 'base.tar'));
  for (const d of ['usr/lib/modules/6.1.0-test', 'usr/share']) await mkdir(join(dir, 'overlay', d), { recursive: true });
  await writeFile(join(dir, 'overlay/usr/lib/modules/6.1.0-test/vmlinuz'), 'not really a kernel\n');
  await writeFile(join(dir, 'overlay/usr/share/debstep-test'), 'committed by ostree-commit\n');
  const art = join(dir, 'out');
  await mkdir(art);
  return { dir, art, state: join(dir, 'state') };
}

const recipe = (dir: string, actions: string) => writeFile(join(dir, 'recipe.yaml'), `architecture: amd64\nactions:\n${actions}`);

const ostree = async (...args: string[]) => (await exec('ostree', args)).stdout;

test('ostree-commit commits the root with its subject and metadata; ostree-deploy deploys it into the root, then into an image', async (t) => {
  const { dir, art, state } = await project(t);
  await recipe(
    dir,
    `${COMMIT}  - action: ostree-deploy
    repository: repo
    remote_repository: https://ostree.example.org/repo
    branch: ${BRANCH}
    os: debian
    append-kernel-cmdline: console=ttyS0 quiet
${REPORT}`,
  );
  const build = async () => {
    const r = await debstep(['build', join(dir, 'recipe.yaml'), '--backend', 'host', '--artifactdir', art, '--state-dir', state], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return r;
  };
  assert.match((await build()).stdout, /==== Deploying from ostree ====/);

  const repo = join(art, 'repo');
  const log = await ostree('log', `--repo=${repo}`, BRANCH);
  assert.match(log, /^ {4}nightly build$/m);
  assert.match(log, /^Version: 1\.0$/m);
  const key = (k: string) => ostree('show', `--repo=${repo}`, `--print-metadata-key=${k}`, BRANCH).then((s) => s.trim());
  assert.equal(await key('vendor.key'), "'some value'");
  assert.equal(await key('ostree.collection-binding'), "'org.example.Os'");
  assert.equal(await key('ostree.ref-binding'), `['${BRANCH}']`, 'bound to the branch, as debos binds it with a collection ID');
  // The root went in whole, but for /dev, which ostree-commit empties.
  const ls = await ostree('ls', `--repo=${repo}`, '-R', BRANCH, '/usr/etc/debian_version', '/dev');
  assert.match(ls, /\/usr\/etc\/debian_version$/m);
  assert.doesNotMatch(ls, /\/dev\/null/);

  const commit = (await ostree('rev-parse', `--repo=${repo}`, BRANCH)).trim();
  assert.deepEqual((await readFile(join(art, 'deployments'), 'utf8')).split('\n').filter(Boolean), [`${commit}.0`, `${commit}.0.origin`]);
  assert.equal(await readFile(join(art, 'from-commit'), 'utf8'), 'committed by ostree-commit\n');
  const entry = await readFile(join(art, 'boot-entry'), 'utf8');
  assert.match(entry, /^options console=ttyS0 quiet /m, 'no image, so no root=UUID=…; the appended arguments in order');
  assert.match(entry, /^linux \/ostree\/debian-[0-9a-f]{64}\/vmlinuz-6\.1\.0-test$/m);
  assert.equal(await readFile(join(art, 'fstab'), 'utf8'), '# UNCONFIGURED FSTAB FOR BASE SYSTEM\n', 'no image: the fstab of the commit, as debos leaves it');
  assert.match(await readFile(join(art, 'sysroot-repo-config'), 'utf8'), /\[remote "origin"\]\nurl=https:\/\/ostree\.example\.org\/repo\ngpg-verify=false/);
  assert.deepEqual(await mountsUnder(dir), []);

  // Into an image: the root copied in, the deployment with root=UUID=… and the image's fstab.
  await recipe(
    dir,
    `${COMMIT}  - action: image-partition
    imagename: os.img
    imagesize: 1GiB
    partitiontype: gpt
    partitions:
      - { name: root, fs: ext4, start: 1MiB, end: 100% }
    mountpoints:
      - { mountpoint: /, partition: root }
  - action: ostree-deploy
    repository: repo
    branch: ${BRANCH}
    os: debian
${REPORT}`,
  );
  const again = await build();
  assert.deepEqual([...again.stdout.matchAll(/^==== (.*) ==== \(cached\)$/gm)].map((m) => m[1]), ['unpack', 'overlay', 'Prepare', 'ostree-commit']);
  const uuid = (await exec('blkid', ['-p', '-s', 'UUID', '-o', 'value', '--offset', '1048576', join(art, 'os.img')])).stdout.trim();
  assert.match(await readFile(join(art, 'boot-entry'), 'utf8'), new RegExp(`^options root=UUID=${uuid} init=`, 'm'));
  assert.match(await readFile(join(art, 'fstab'), 'utf8'), new RegExp(`^UUID=${uuid}\\s+/\\s+ext4`, 'm'));
  assert.deepEqual((await readFile(join(art, 'deployments'), 'utf8')).split('\n').filter(Boolean), [`${commit}.0`, `${commit}.0.origin`], 'the commit from the cache');
  assert.equal(await readFile(join(art, 'from-commit'), 'utf8'), 'committed by ostree-commit\n');
  assert.deepEqual(await mountsUnder(dir), []);
});
