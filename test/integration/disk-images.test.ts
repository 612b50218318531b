// Disk images for real: debos's own recipe tests tests/partitioning, tests/msdos, tests/raw
// (512- and 4096-byte sectors) and tests/partitioning-sector-size (copies in
// test/fixtures/debos/, Apache-2.0 like debos), built with debstep on the host backend (as
// root, loop devices) and on the VM backend (as an unprivileged user, the image a disk of
// the guest), with the checks debos's CI makes: `sfdisk -J` of the image equals
// expected.json once both are read as JSON (the recipes compare `jq .` of each), the raw
// blobs were at their offsets. Then what debos's tests do not check: filesystem-deploy
// keeps owners, hard links, device nodes and xattrs, writes fstab and the kernel command
// line, and later actions work in the image; every filesystem type mounts in the VM; a
// failed build and a build killed with SIGKILL leave no loop device and no mount behind.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, cp, mkdir, mkdtemp, open, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { debstep, debstepArgv, loopsOf, mountsUnder, processesMentioning, REPO, type Result, SOURCE_ENV, tarList } from '../helpers/debstep.js';
import { dpkgQueryList, validSpdx } from '../helpers/manifest.js';
import { qemuProcessesWith } from './vm-helpers.js';

const exec = promisify(execFile);
const FIXTURES = join(REPO, 'test/fixtures/debos');
const NOBODY = 65534;
let work: string;

before(async () => {
  // Under /var/tmp: readable by the unprivileged user, and on a disk (images are sparse files).
  work = await mkdtemp('/var/tmp/debstep-images-');
  await chmod(work, 0o755);
});

after(async () => {
  const left = await mountsUnder(work);
  const loops = await loopsOf(work);
  assert.deepEqual(qemuProcessesWith(work), [], 'no QEMU process is left behind');
  await rm(work, { recursive: true, force: true });
  assert.deepEqual(left, [], 'no mounts left');
  assert.deepEqual(loops, [], 'no loop devices left');
});

interface Project {
  readonly dir: string;
  readonly art: string;
  readonly state: string;
}

/** A copy of a fixture (debos's recipes write next to themselves), with artifact and state directories. */
async function project(fixture: string, owner?: number): Promise<Project> {
  const dir = await mkdtemp(join(work, `${fixture}-`));
  await cp(join(FIXTURES, fixture), dir, { recursive: true });
  const p = { dir, art: join(dir, 'out'), state: join(work, owner === undefined ? 'state-root' : 'state-user') };
  for (const d of [p.art, p.state]) await mkdir(d, { recursive: true });
  if (owner !== undefined) await exec('chown', ['-R', `${owner}:${owner}`, dir, p.state]);
  return p;
}

/** debstep as the unprivileged user, which needs the VM for images. */
function asUser(args: readonly string[], cwd: string): Promise<Result> {
  const [node, ...rest] = debstepArgv(args);
  return new Promise((done) => {
    const child = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', node!, ...rest], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', ...SOURCE_ENV },
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

type Backend = 'host' | 'vm';

function build(backend: Backend, p: Project, recipe: string, extra: readonly string[] = []): Promise<Result> {
  const args = ['build', recipe, '--backend', backend, '--artifactdir', p.art, '--state-dir', p.state, ...extra];
  return backend === 'host' ? debstep(args, { cwd: p.dir }) : asUser(args, p.dir);
}

const output = (r: Result) => `${r.stdout}\n${r.stderr}`;

/** debos's check: `sfdisk -J test.img` run in the artifact directory against expected.json, both as JSON (`jq .`). */
async function assertSfdiskMatches(p: Project): Promise<void> {
  const { stdout } = await exec('sfdisk', ['-J', 'test.img'], { cwd: p.art });
  assert.deepEqual(JSON.parse(stdout), JSON.parse(await readFile(join(p.dir, 'expected.json'), 'utf8')));
}

async function readAt(file: string, offset: number, length: number): Promise<Buffer> {
  const f = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    await f.read(buffer, 0, length, offset);
    return buffer;
  } finally {
    await f.close();
  }
}

/** debos's raw check: the recipe read 8 bytes back at each offset (blobN.res) and compared them; the
 * last action then wrote 1 GiB of zeros over the start of the image. */
async function assertRawBlobs(p: Project, sectorSize: number): Promise<void> {
  const blobs = { blob1: 'blobs/blob1', blob2: 'blobs/blob2', blob3: 'blobs/blob3', blob4: 'blob4' };
  for (const [name, source] of Object.entries(blobs)) {
    assert.deepEqual(await readFile(join(p.art, `${name}.res`)), await readFile(join(p.dir, source)), `${name} was at its offset`);
  }
  const image = join(p.art, 'test.img');
  assert.equal((await stat(image)).size, 3e9);
  for (const offset of [0, 40 * sectorSize, 42 * sectorSize, 1048576, 1049600, 2 ** 30 - 8]) {
    assert.deepEqual(await readAt(image, offset, 8), Buffer.alloc(8), `gigabyte.zero was written over byte ${offset}`);
  }
}

/** The first GPT entry of a disk of `sectorSize`-byte sectors, read from the image itself. */
async function firstGptEntry(image: string, sectorSize: number): Promise<{ firstLba: number; lastLba: number; name: string }> {
  const header = await readAt(image, sectorSize, 92);
  assert.equal(header.subarray(0, 8).toString('latin1'), 'EFI PART', `a GPT header in LBA 1 of ${sectorSize}-byte sectors`);
  const entry = await readAt(image, Number(header.readBigUInt64LE(72)) * sectorSize, 128);
  return { firstLba: Number(entry.readBigUInt64LE(32)), lastLba: Number(entry.readBigUInt64LE(40)), name: entry.subarray(56).toString('utf16le').replace(/\0.*$/s, '') };
}

async function assertSectorSizeImage(p: Project, r: Result, sectorSize: number): Promise<void> {
  assert.match(r.stdout, new RegExp(`Sector size \\(logical/physical\\): ${sectorSize}B/${sectorSize}B`), 'parted saw the sector size');
  const image = join(p.art, 'test.img');
  const e = await firstGptEntry(image, sectorSize);
  assert.equal(e.name, 'system');
  assert.ok(Math.abs(e.firstLba * sectorSize - 2e6) < 5e5, `starts at 2m: LBA ${e.firstLba}`);
  assert.ok((e.lastLba + 1) * sectorSize > 9.9e6, `ends at 100%: LBA ${e.lastLba}`);
  const magic = await readAt(image, e.firstLba * sectorSize + 1024 + 56, 2);
  assert.equal(magic.readUInt16LE(0), 0xef53, 'an ext4 superblock in the partition');
}

for (const backend of ['host', 'vm'] as const) {
  const owner = backend === 'vm' ? NOBODY : undefined;
  describe(`debos's image tests on the ${backend} backend${backend === 'vm' ? ', as an unprivileged user' : ''}`, () => {
    for (const fixture of ['partitioning', 'msdos']) {
      test(`tests/${fixture}: sfdisk -J of the image is expected.json`, async () => {
        const p = await project(fixture, owner);
        const r = await build(backend, p, 'test.yaml');
        assert.equal(r.code, 0, output(r));
        assert.match(r.stdout, /^==== Compare expected and actual ====$/m, 'the recipe\'s own comparison ran');
        await assertSfdiskMatches(p);
        if (owner !== undefined) assert.equal((await stat(join(p.art, 'test.img'))).uid, owner, 'the image belongs to the user');
      });
    }

    for (const sectorSize of [512, 4096]) {
      // In the VM with 4096-byte sectors only, as debos's CI (the 512 case is the host's and
      // the other tests'): each run writes a gigabyte twice under emulation.
      test(`tests/raw -t sectorsize:${sectorSize}: the blobs at their offsets, 1 GiB streamed`, { skip: backend === 'vm' && sectorSize === 512 && 'the VM runs it with 4096-byte sectors' }, async () => {
        const p = await project('raw', owner);
        // debos's CI gives its VM 256 MB for this test: the gigabyte must not be read into memory.
        const r = await build(backend, p, 'test.yaml', ['-t', `sectorsize:${sectorSize}`, ...(backend === 'vm' ? ['--memory', '256MB'] : [])]);
        assert.equal(r.code, 0, output(r));
        await assertRawBlobs(p, sectorSize);
      });

      test(`tests/partitioning-sector-size -t sectorsize:${sectorSize}: a gpt on ${sectorSize}-byte sectors`, async () => {
        const p = await project('partitioning-sector-size', owner);
        const r = await build(backend, p, 'test.yaml', ['-t', `sectorsize:${sectorSize}`]);
        assert.equal(r.code, 0, output(r));
        await assertSectorSizeImage(p, r, sectorSize);
      });
    }
  });
}

/** A root of a static busybox and nothing else: enough for chroot commands, quick to copy. */
async function busyboxRoot(dir: string): Promise<void> {
  await mkdir(join(dir, 'tree/bin'), { recursive: true });
  await copyFile('/bin/busybox', join(dir, 'tree/bin/busybox'));
  await symlink('busybox', join(dir, 'tree/bin/sh'));
}

/** The offset of partition `n` (1-based) of an image, from its table. */
async function partitionOffset(image: string, n: number): Promise<number> {
  const { stdout } = await exec('sfdisk', ['-J', image]);
  const table = JSON.parse(stdout) as { partitiontable: { sectorsize: number; partitions: { start: number }[] } };
  return table.partitiontable.partitions[n - 1]!.start * table.partitiontable.sectorsize;
}

const debugfs = async (image: string, offset: number, request: string) =>
  (await exec('debugfs', ['-R', request, `${image}?offset=${offset}`])).stdout;
const blkidUuid = async (image: string, offset: number) => (await exec('blkid', ['-p', '-o', 'value', '-s', 'UUID', '-O', String(offset), image])).stdout.trim();

const DEPLOY = `architecture: amd64
actions:
  - action: overlay
    source: tree
  - action: run
    chroot: true
    command: >-
      busybox mkdir -p /srv /boot /etc/kernel && echo hi > /srv/a && busybox ln /srv/a /srv/b &&
      busybox mknod /srv/null c 1 3 && busybox chown 1234:5678 /srv/a &&
      echo quiet > /etc/kernel/cmdline && echo kernel > /boot/vmlinuz-test
  - action: run
    command: echo x > "$ROOTDIR/srv/x" && setfattr -n user.debstep -v kept "$ROOTDIR/srv/x"
  - action: image-partition
    imagename: /images/disk.img
    imagesize: 1GiB
    partitiontype: gpt
    partitions:
      - { name: boot, fs: ext2, start: 1MiB, end: 128MiB }
      - { name: root, fs: ext4, start: 128MiB, end: 100% }
    mountpoints:
      - { mountpoint: /boot, partition: boot, options: [noatime] }
      - { mountpoint: /, partition: root }
      - { mountpoint: /mnt/build, partition: boot, buildtime: true }
  - action: filesystem-deploy
    append-kernel-cmdline: console=ttyS0
  - action: run
    chroot: true
    command: echo after > /srv/after-deploy
  - action: run
    command: >-
      test -b "$IMAGE" && mountpoint -q "$IMAGEMNTDIR" && test -f "$IMAGEMNTDIR/srv/after-deploy" &&
      test -f "$ROOTDIR/boot/vmlinuz-test" && echo "boot is $(findmnt -n -o FSTYPE "$IMAGEMNTDIR/boot")"
  - action: pack
    file: /root.tar.gz
`;

describe('filesystem-deploy and what it leaves in the image, on the host backend', () => {
  test('owners, hard links, device nodes, xattrs; fstab, kernel cmdline; later actions work in the image', async () => {
    const dir = await mkdtemp(join(work, 'deploy-'));
    await busyboxRoot(dir);
    // A dpkg database for the image's manifest: this host's own.
    await mkdir(join(dir, 'tree/var/lib/dpkg'), { recursive: true });
    await copyFile('/var/lib/dpkg/status', join(dir, 'tree/var/lib/dpkg/status'));
    await cp(join(dir, 'tree/var/lib/dpkg'), join(dir, 'admin'), { recursive: true });
    await writeFile(join(dir, 'deploy.yaml'), DEPLOY);
    const p = { dir, art: join(dir, 'out'), state: join(work, 'state-root') };
    await mkdir(p.art);
    const r = await build('host', p, 'deploy.yaml');
    assert.equal(r.code, 0, output(r));
    assert.match(r.stdout, /\| boot is ext2$/m, 'IMAGE and IMAGEMNTDIR for host commands, the image mounted');
    const image = join(p.art, 'images/disk.img');
    const [boot, root] = [await partitionOffset(image, 1), await partitionOffset(image, 2)];
    assert.equal(
      await debugfs(image, root, 'cat /etc/fstab'),
      `UUID=${await blkidUuid(image, root)}\t/\text4\tdefaults\t0\t1\nUUID=${await blkidUuid(image, boot)}\t/boot\text2\tdefaults,noatime\t0\t2\n`,
      'fstab in mount order, without the build-time mount',
    );
    assert.equal(await debugfs(image, root, 'cat /etc/kernel/cmdline'), `quiet root=UUID=${await blkidUuid(image, root)} console=ttyS0\n`);
    assert.match(await debugfs(image, root, 'stat /srv/a'), /User: {2}1234 {3}Group: {2}5678[^]*Links: 2/, 'owner and hard link kept');
    assert.match(await debugfs(image, root, 'stat /srv/null'), /Type: character special/);
    assert.match(await debugfs(image, root, 'ea_get /srv/x user.debstep'), /= "kept"/);
    assert.equal(await debugfs(image, root, 'cat /srv/after-deploy'), 'after\n', 'an action after filesystem-deploy wrote into the image');
    assert.equal(await debugfs(image, boot, 'cat /vmlinuz-test'), 'kernel\n', '/boot went to its own partition');
    assert.doesNotMatch(await debugfs(image, root, 'ls /mnt'), /build/, 'the build-time mount point is gone');
    assert.ok((await tarList(join(p.art, 'root.tar.gz'))).includes('./srv/after-deploy'), 'pack after deploy packs the image, at ARTIFACTDIR/root.tar.gz');
    assert.equal(await readFile(`${image}.manifest`, 'utf8'), await dpkgQueryList(join(dir, 'admin')), "the image's manifest lists the packages of the root deployed into it");
    await exec('sha256sum', ['--check', '--strict', 'disk.img.sha256'], { cwd: join(p.art, 'images') });
    await validSpdx(`${image}.spdx.json`);
  });

  test('a failed build deletes its image and leaves no loop device and no mount', async () => {
    const dir = await mkdtemp(join(work, 'failed-'));
    const recipe = DEPLOY.replace(/ {2}- action: filesystem-deploy[^]*$/, '  - action: run\n    command: exit 3\n');
    await busyboxRoot(dir);
    await writeFile(join(dir, 'failed.yaml'), recipe);
    const p = { dir, art: join(dir, 'out'), state: join(work, 'state-root') };
    await mkdir(p.art);
    const r = await build('host', p, 'failed.yaml');
    assert.equal(r.code, 1, output(r));
    assert.match(r.stderr, /^error: Action 'run' failed at stage Run: exit 3: command failed with exit status 3$/m);
    await assert.rejects(stat(join(p.art, 'images/disk.img')), /ENOENT/, 'debos deletes a failed build\'s image');
    assert.deepEqual(await loopsOf(dir), []);
    assert.deepEqual(await mountsUnder(p.state), []);
  });

  test('bad partitions are recipe errors with their place, before anything runs', async () => {
    const dir = await mkdtemp(join(work, 'bad-'));
    const recipe = `architecture: amd64\nactions:\n  - action: image-partition\n    imagename: x.img\n    imagesize: 1GB\n    partitiontype: gpt\n    partitions:\n      - { name: a, fs: ext4, start: 0%, end: 600MB }\n      - { name: b, fs: ext4, start: 500MB, end: 2GB }\n`;
    await writeFile(join(dir, 'bad.yaml'), recipe);
    const r = await debstep(['check', 'bad.yaml'], { cwd: dir });
    assert.equal(r.code, 2, output(r));
    assert.match(r.stderr, /^error: bad\.yaml:9:\d+: image-partition action: partition "b" ends at 2GB, past the end of the 1 GB image/m);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });
});

describe('killed with SIGKILL while the image is mounted, on the host backend', () => {
  test('the loop device and every mount go with debstep', async () => {
    const dir = await mkdtemp(join(work, 'killed-'));
    await writeFile(
      join(dir, 'killed.yaml'),
      'architecture: amd64\nactions:\n  - action: image-partition\n    imagename: killed.img\n    imagesize: 64MiB\n    partitiontype: msdos\n    partitions:\n      - { name: root, fs: ext4, start: 1MiB, end: 100% }\n    mountpoints:\n      - { mountpoint: /, partition: root }\n  - action: run\n    command: echo mounted; sleep 300\n',
    );
    const state = join(work, 'state-root');
    const [node, ...args] = debstepArgv(['build', 'killed.yaml', '--backend', 'host', '--artifactdir', dir, '--state-dir', state]);
    const child = spawn(node!, args, { cwd: dir, env: { ...process.env, ...SOURCE_ENV }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const exited = new Promise((done) => child.on('close', done));
    try {
      const deadline = Date.now() + 120_000;
      while (!/\| mounted$/m.test(out)) {
        assert.ok(Date.now() < deadline, `the build did not get to its sleep: ${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal((await loopsOf(dir)).length, 1, 'attached while it runs');
      assert.ok((await mountsUnder(join(state, 'builds'))).some((m) => m.endsWith('/scratch/mnt')), 'mounted while it runs');
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    // The kernel detaches an autoclear loop device once its mounts are gone with the namespace.
    const deadline = Date.now() + 10_000;
    while ((await loopsOf(dir)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await loopsOf(dir), [], 'losetup -a shows nothing of it');
    const { stdout } = await exec('findmnt', ['--list', '--noheadings', '--output', 'TARGET']);
    assert.deepEqual(stdout.split('\n').filter((l) => l.includes(state)), [], 'findmnt shows nothing of it');
    assert.deepEqual(await mountsUnder(state), [], 'nor does any mount namespace');
    assert.deepEqual(await processesMentioning('sleep 300'), [], 'its command went too');
  });
});

describe('every filesystem type in the VM, as an unprivileged user', () => {
  test('vfat, ext4, btrfs, xfs and f2fs made, mounted and written into fstab', async () => {
    const dir = await mkdtemp(join(work, 'filesystems-'));
    await busyboxRoot(dir);
    const recipe = `architecture: amd64
actions:
  - action: overlay
    source: tree
  - action: run
    chroot: true
    command: busybox mkdir -p /boot/efi && echo efi > /boot/efi/EFI.TXT
  - action: image-partition
    imagename: fs.img
    imagesize: 3GB
    partitiontype: gpt
    partitions:
      - { name: efi, fs: vfat, start: 1MiB, end: 128MiB, flags: [esp], fsuuid: 1234ABCD }
      - { name: root, fs: ext4, start: 128MiB, end: 1GB }
      - { name: data, fs: btrfs, start: 1GB, end: 1500MB }
      - { name: logs, fs: xfs, start: 1500MB, end: 2500MB }
      - { name: flash, fs: f2fs, start: 2500MB, end: 100%, fsck: false }
    mountpoints:
      - { mountpoint: /, partition: root }
      - { mountpoint: /boot/efi, partition: efi, options: [umask=0077] }
      - { mountpoint: /srv/data, partition: data }
      - { mountpoint: /var/log/extra, partition: logs }
      - { mountpoint: /srv/flash, partition: flash }
  - action: filesystem-deploy
  - action: run
    command: findmnt -R -n -l -o TARGET,FSTYPE "$IMAGEMNTDIR" | sed "s|$IMAGEMNTDIR||"
`;
    await writeFile(join(dir, 'fs.yaml'), recipe);
    const p = { dir, art: join(dir, 'out'), state: join(work, 'state-user') };
    await mkdir(p.art);
    await mkdir(p.state, { recursive: true });
    await exec('chown', ['-R', `${NOBODY}:${NOBODY}`, dir, p.state]);
    const r = await build('vm', p, 'fs.yaml');
    assert.equal(r.code, 0, output(r));
    const mounted = r.stdout.split('\n').filter((l) => l.startsWith('findmnt')).map((l) => l.split('| ')[1]!.trim().split(/\s+/).join(' '));
    assert.deepEqual(mounted.sort(), ['/boot/efi vfat', '/srv/data btrfs', '/srv/flash f2fs', '/var/log/extra xfs', 'ext4']);
    const image = join(p.art, 'fs.img');
    assert.equal((await stat(image)).uid, NOBODY, 'the image belongs to the user');
    const fstab = await debugfs(image, await partitionOffset(image, 2), 'cat /etc/fstab');
    const uuids = await Promise.all([1, 2, 3, 4, 5].map(async (n) => blkidUuid(image, await partitionOffset(image, n))));
    assert.equal(uuids[0], '1234-ABCD', 'the vfat serial as asked');
    assert.equal(
      fstab,
      [
        `UUID=${uuids[1]}\t/\text4\tdefaults\t0\t1`,
        `UUID=1234-ABCD\t/boot/efi\tvfat\tdefaults,umask=0077\t0\t2`,
        `UUID=${uuids[2]}\t/srv/data\tbtrfs\tdefaults\t0\t2`,
        `UUID=${uuids[4]}\t/srv/flash\tf2fs\tdefaults\t0\t0`,
        `UUID=${uuids[3]}\t/var/log/extra\txfs\tdefaults\t0\t2`,
        '',
      ].join('\n'),
    );
  });
});
