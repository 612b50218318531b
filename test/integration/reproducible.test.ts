// Reproducible output for real (host backend, as root): the same recipe built twice, in
// separate state and artifact directories, with SOURCE_DATE_EPOCH set, gives bit-identical
// artifacts; and, as reprotest varies a build, built again later with the builder's umask,
// locale, time zone, host name, CPU count and paths changed. The recipe leaves the noise a build leaves (a log, a machine-id, an ssh host
// key, files made now): a root tarball from the fixed base tarball, and a disk image with
// an ext4 and a FAT file system whose identifiers the recipe does not give.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { baseRootTarball, FROM_BASE_RECIPE } from '../helpers/base-root.js';
import { debstep, debstepArgv, mountsUnder, SOURCE_ENV, tarRead, tempDir } from '../helpers/debstep.js';

const exec = promisify(execFile);
const EPOCH = 1700000000;
let base: string;

before(async () => {
  base = await baseRootTarball();
});

const RECIPE = `${FROM_BASE_RECIPE}  - action: run
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

const VARIED_RECIPE = `${FROM_BASE_RECIPE}  - action: run
    chroot: true
    command: useradd --create-home --shell /bin/bash user; mkdir -p /srv/made; echo made > /srv/made/file
  - action: overlay
    source: overlay
  - action: overlay
    source: overlay
    destination: /opt/new/deeper
  - action: pack
    file: root.tar.zst
`;

/** How one build of the reprotest-style pair runs: what the builder's machine is like. */
interface Builder {
  readonly umask: string;
  readonly hostname: string;
  /** Env variables set on top of the test's (LANG, LC_ALL, TZ, ...); undefined unsets. */
  readonly env: Record<string, string | undefined>;
  /** The CPUs debstep may use (taskset's list). */
  readonly cpus: string;
  /** Path parts under the test's temporary directory: recipe, state and artifact directory. */
  readonly recipeDir: string;
  readonly stateDir: string;
  readonly artifactDir: string;
}

/** Runs debstep as `builder` in a UTS namespace of its own (so the host name can differ). */
function debstepAs(builder: Builder, args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...SOURCE_ENV, SOURCE_DATE_EPOCH: String(EPOCH) };
  for (const k of ['LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_COLLATE', 'TZ']) delete env[k];
  for (const [k, v] of Object.entries(builder.env)) if (v !== undefined) env[k] = v;
  const script = 'hostname "$1" && umask "$2" && shift 2 && exec "$@"';
  const argv = ['--uts', 'sh', '-c', script, 'sh', builder.hostname, builder.umask, 'taskset', '-c', builder.cpus, ...debstepArgv(args)];
  return new Promise((done) => {
    const child = spawn('unshare', argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('close', (code) => done({ code, output }));
  });
}

/** The recipe's directory, made by the test (with fixed modes: the source tree is the
 * same for both builds, only the builder differs). */
async function recipeTree(dir: string): Promise<void> {
  await mkdir(join(dir, 'overlay/etc/skel-extra'), { recursive: true });
  await copyFile(base, join(dir, 'base.tar.gz'));
  await writeFile(join(dir, 'recipe.yaml'), VARIED_RECIPE);
  await writeFile(join(dir, 'overlay/etc/motd'), 'built by a recipe\n');
  await writeFile(join(dir, 'overlay/etc/skel-extra/note'), 'a note\n');
  for (const [path, mode] of [['overlay', 0o755], ['overlay/etc', 0o755], ['overlay/etc/skel-extra', 0o750], ['overlay/etc/motd', 0o644], ['overlay/etc/skel-extra/note', 0o640]] as const) {
    await chmod(join(dir, path), mode);
  }
}

async function variedBuild(t: Parameters<typeof tempDir>[0], builder: Builder): Promise<string> {
  const top = await tempDir(t, 'debstep-repro-');
  const dir = join(top, builder.recipeDir);
  await mkdir(dir, { recursive: true });
  await recipeTree(dir);
  const art = join(top, builder.artifactDir);
  await mkdir(art, { recursive: true });
  const r = await debstepAs(builder, ['build', 'recipe.yaml', '--backend', 'host', '--artifactdir', art, '--state-dir', join(top, builder.stateDir)], dir);
  assert.equal(r.code, 0, r.output);
  assert.deepEqual(await mountsUnder(top), []);
  return join(art, 'root.tar.zst');
}

test('a build varied as reprotest varies it (umask, locale, time zone, host name, CPUs, paths, time) gives the same tarball', async (t) => {
  const first = await variedBuild(t, {
    umask: '022',
    hostname: 'builder-one',
    env: { LANG: 'C', TZ: 'UTC' },
    cpus: '0-1',
    recipeDir: 'src',
    stateDir: 'state',
    artifactDir: 'out',
  });
  // One after the other: the second build runs later, as a different builder would.
  const second = await variedBuild(t, {
    umask: '002',
    hostname: 'another-build-host.example',
    env: { LANG: 'fr_CH.UTF-8', LC_ALL: 'C.UTF-8', LANGUAGE: 'fr_CH:fr', TZ: 'Pacific/Kiritimati' },
    cpus: '0',
    recipeDir: 'a/much/longer/build/path/checkout',
    stateDir: 'other/state-directory',
    artifactDir: 'artifacts/here',
  });
  if ((await sha256(first)) !== (await sha256(second))) assert.fail(`root.tar.zst differs between the varied builds; ${await firstDifference(first, second)}`);
  // The root directory itself, the one the umask showed in.
  const listing = (await exec('tar', ['--numeric-owner', '-tvaf', first], { maxBuffer: 1 << 28 })).stdout;
  assert.match(listing, /^drwxr-xr-x 0\/0 .* \.\/$/m);
  assert.match(listing, /^drwxr-xr-x 0\/0 .* \.\/opt\/new\/$/m, 'a directory an overlay makes has the fixed mode');
});
