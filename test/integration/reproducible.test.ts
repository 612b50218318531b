// Reproducible output for real (host backend, as root): the same recipe built twice, in
// separate state and artifact directories, with SOURCE_DATE_EPOCH set, gives bit-identical
// artifacts. The recipe leaves the noise a build leaves (a log, a machine-id, an ssh host
// key, files made now): a root tarball from the fixed base tarball, and a disk image with
// an ext4 and a FAT file system whose identifiers the recipe does not give.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, tarRead, tempDir } from '../helpers/debstep.js';

const exec = promisify(execFile);
const EPOCH = 1700000000;
let base: string;

before(async () => {
  base = await baseRootTarball();
});

const RECIPE = `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar.gz
  - action: run
    chroot: true
    command: echo "$SOURCE_DATE_EPOCH" > /etc/epoch; mkdir -p /etc/ssh; head -c 32 /dev/urandom > /etc/ssh/ssh_host_ed25519_key; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n' > /etc/machine-id; date > /var/log/dpkg.log; date > /var/log/apt/history.log
  - action: pack
    file: root.tar.zst
  - action: pack
    description: gzip, which would write the time (of /etc, small; zstd is faster for the root)
    file: etc.tar.gz
    subdir: /etc
  - action: image-partition
    imagename: disk.img
    imagesize: 80MiB
    partitiontype: gpt
    partitions:
      - name: efi
        fs: vfat
        start: 1MiB
        end: 40MiB
      - name: root
        fs: ext4
        start: 40MiB
        end: 100%
`;

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

/** Builds the recipe in a directory of its own; returns the artifact directory. */
async function build(t: Parameters<typeof tempDir>[0], env: NodeJS.ProcessEnv): Promise<{ art: string; output: string }> {
  const dir = await tempDir(t);
  await copyFile(base, join(dir, 'base.tar.gz'));
  await writeFile(join(dir, 'recipe.yaml'), RECIPE);
  const art = join(dir, 'out');
  await mkdir(art);
  const r = await debstep(['build', 'recipe.yaml', '--backend', 'host', '--artifactdir', art, '--state-dir', join(dir, 'state')], { cwd: dir, env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await mountsUnder(dir), []);
  return { art, output: r.stdout + r.stderr };
}

/** `tar -tv` lines with each member's sha256: what tells two archives apart. */
async function members(file: string): Promise<string[]> {
  const opts = { maxBuffer: 1 << 28 };
  const listing = (await exec('tar', ['--full-time', '--numeric-owner', '-tvaf', file], opts)).stdout.split('\n').filter(Boolean);
  const sums = (await exec('tar', ['-xaf', file, '--to-command=echo "$(sha256sum | cut -c1-64) $TAR_FILENAME"'], opts)).stdout.split('\n').filter(Boolean);
  return [...listing, ...sums];
}

/** A compressed archive as the tar stream in it. */
async function uncompressed(file: string): Promise<Buffer> {
  const tool = file.endsWith('.gz') ? 'gzip' : 'zstd';
  return (await exec(tool, ['-dc', file], { encoding: 'buffer', maxBuffer: 1 << 30 })).stdout;
}

/** The tar entry of `tar` holding byte `offset`: its name and type, and the bytes there. */
function entryAt(tar: Buffer, offset: number): string {
  const field = (pos: number, len: number) => tar.toString('latin1', pos, pos + len).replace(/\0[^]*$/, '');
  for (let pos = 0; pos + 512 <= tar.length; ) {
    const end = pos + 512 + Math.ceil((parseInt(field(pos + 124, 12).trim() || '0', 8) || 0) / 512) * 512;
    if (offset < end) {
      const where = offset < pos + 512 ? 'header' : 'data';
      return `${where} of "${field(pos, 100)}" (type ${field(pos + 156, 1) || '0'}): ${JSON.stringify(tar.toString('latin1', Math.max(pos, offset - 16), offset + 48))}`;
    }
    pos = end;
  }
  return 'past the end';
}

/** The first member (listing line or content) in which two archives differ, else the
 * first tar entry (a pax header, too) whose bytes differ. */
async function firstDifference(a: string, b: string): Promise<string> {
  const [x, y] = await Promise.all([members(a), members(b)]);
  const i = x.findIndex((line, n) => line !== y[n]);
  if (i !== -1) return `first differing member:\n  ${x[i]}\n  ${y[i] ?? '(none)'}`;
  const [ta, tb] = await Promise.all([uncompressed(a), uncompressed(b)]);
  let off = 0;
  while (off < ta.length && ta[off] === tb[off]) off++;
  if (off === ta.length && ta.length === tb.length) return 'the tar streams are the same: the difference is in the compression';
  return `the members are the same; the tar streams first differ at byte ${off}, in the\n  ${entryAt(ta, off)}\n  ${entryAt(tb, off)}`;
}

test('two builds with SOURCE_DATE_EPOCH give the same tarball and disk image, without the build noise', async (t) => {
  const env = { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH) };
  // At the same time: builds in separate directories do not meet.
  const [one, two] = await Promise.all([build(t, env), build(t, env)]);
  for (const name of ['root.tar.zst', 'etc.tar.gz']) {
    const [a, b] = [join(one.art, name), join(two.art, name)];
    if ((await sha256(a)) !== (await sha256(b))) assert.fail(`${name} differs between the builds; ${await firstDifference(a, b)}`);
  }
  const a = join(one.art, 'root.tar.zst');
  assert.equal(await sha256(join(one.art, 'disk.img')), await sha256(join(two.art, 'disk.img')), 'disk.img differs between the builds');

  assert.match(one.output, /removed what differs from build to build: \/etc\/machine-id, \/etc\/ssh\/ssh_host_\*, \/var\/log\/dpkg\.log, \/var\/log\/apt\/\*/);
  assert.match(one.output, /the ssh host keys made during the build were removed/);
  assert.equal((await tarRead(a, './etc/epoch')).toString(), `${EPOCH}\n`, 'commands see the epoch');
  assert.equal((await tarRead(a, './etc/machine-id')).length, 0, 'machine-id is emptied');
  const listing = (await exec('tar', ['--full-time', '-tvaf', a], { maxBuffer: 1 << 28 })).stdout;
  for (const gone of ['./etc/ssh/ssh_host_ed25519_key', './var/log/dpkg.log', './var/log/apt/history.log']) {
    assert.ok(!listing.split('\n').some((l) => l.endsWith(` ${gone}`)), `${gone} is not in the tarball`);
  }
  assert.match(listing, /^-\S+ 0\/0 +\d+ 2023-11-14 22:13:20 \.\/etc\/epoch$/m, 'a file made during the build has the epoch as its time, and a numeric owner');

  // The identifiers come from the seed: a GPT disk GUID, partition UUIDs and file system UUIDs.
  const { stdout } = await exec('sfdisk', ['--json', join(one.art, 'disk.img')]);
  const table = JSON.parse(stdout) as { partitiontable: { id: string; partitions: { uuid: string }[] } };
  assert.match(table.partitiontable.id, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-/);
  assert.equal(new Set(table.partitiontable.partitions.map((p) => p.uuid)).size, 2);
});
