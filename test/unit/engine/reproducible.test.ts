// Reproducible output: the epoch from SOURCE_DATE_EPOCH or --reproducible, the identifiers
// derived from it, and the build-noise script run for real on a directory.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { buildConfig } from '../../../src/cli/build-setup.js';
import { parseArgs } from '../../../src/cli/options.js';
import { BUILD_NOISE, clampMtimesArgv, cleanNoiseArgv } from '../../../src/engine/actions/build-noise.js';
import { UsageError } from '../../../src/core/errors.js';
import { seededHex32, seededUuid, sourceDateEpoch } from '../../../src/engine/actions/reproducible.js';
import { tempDir } from '../../helpers/debstep.js';

const exec = promisify(execFile);

test('the epoch: SOURCE_DATE_EPOCH when set, else 0 with --reproducible, else none', () => {
  assert.equal(sourceDateEpoch(false, undefined), undefined);
  assert.equal(sourceDateEpoch(false, ''), undefined);
  assert.equal(sourceDateEpoch(true, undefined), 0);
  assert.equal(sourceDateEpoch(false, '1700000000'), 1700000000);
  assert.equal(sourceDateEpoch(true, '42'), 42);
  for (const bad of ['-1', '1.5', 'yesterday', '99999999999999999999']) assert.throws(() => sourceDateEpoch(false, bad), UsageError);
});

test('commands see the epoch in use, from -e or the environment', async () => {
  const saved = process.env.SOURCE_DATE_EPOCH;
  try {
    delete process.env.SOURCE_DATE_EPOCH;
    const plain = await buildConfig(parseArgs('build', ['r.yaml']).options);
    assert.equal(plain.sourceDateEpoch, undefined);
    assert.equal(plain.env.SOURCE_DATE_EPOCH, undefined);
    const flag = await buildConfig(parseArgs('build', ['--reproducible', 'r.yaml']).options);
    assert.equal(flag.sourceDateEpoch, 0);
    assert.equal(flag.env.SOURCE_DATE_EPOCH, '0');
    process.env.SOURCE_DATE_EPOCH = '1700000000';
    assert.equal((await buildConfig(parseArgs('build', ['r.yaml']).options)).env.SOURCE_DATE_EPOCH, '1700000000');
    assert.equal((await buildConfig(parseArgs('build', ['-e', 'SOURCE_DATE_EPOCH:7', 'r.yaml']).options)).sourceDateEpoch, 7);
  } finally {
    if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = saved;
  }
});

test('seeded identifiers: the same for the same seed, different for another, well formed', () => {
  const u = seededUuid(1700000000, 'disk.img', 'root', 'fsuuid');
  assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(seededUuid(1700000000, 'disk.img', 'root', 'fsuuid'), u);
  assert.notEqual(seededUuid(1700000001, 'disk.img', 'root', 'fsuuid'), u);
  assert.notEqual(seededUuid(1700000000, 'disk.img', 'efi', 'fsuuid'), u);
  assert.match(seededHex32(0, 'disk.img', 'diskid'), /^[0-9a-f]{8}$/);
});

test('the build noise goes: logs and caches removed, machine-id emptied, apt lock and links kept', async (t) => {
  const root = await tempDir(t);
  const files: Record<string, string> = {
    'etc/machine-id': '0123456789abcdef0123456789abcdef\n',
    'etc/ssh/ssh_host_ed25519_key': 'key', 'etc/ssh/sshd_config': 'keep',
    'var/lib/apt/lists/lock': '', 'var/lib/apt/lists/deb_dists_bookworm_InRelease': 'x',
    'var/cache/apt/pkgcache.bin': 'x', 'var/log/dpkg.log': 'x', 'var/log/apt/history.log': 'x', 'var/log/wtmp': '',
    'var/lib/dpkg/status': 'keep', 'var/lib/dpkg/status-old': 'x',
  };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(root, name, '..'), { recursive: true });
    await writeFile(join(root, name), content);
  }
  await mkdir(join(root, 'var/lib/dbus'));
  await symlink('/etc/machine-id', join(root, 'var/lib/dbus/machine-id'));
  // The directories as removeBuildNoise resolves them in the root.
  const argv = cleanNoiseArgv(BUILD_NOISE.map((entry) => ({ entry, dir: join(root, entry.dir) })));
  const { stdout } = await exec(argv[0]!, argv.slice(1));
  assert.deepEqual(stdout.trim().split('\n'), ['cleaned /etc/machine-id', 'cleaned /etc/ssh/ssh_host_*', 'cleaned /var/lib/apt/lists/*', 'cleaned /var/cache/apt/*.bin', 'cleaned /var/log/dpkg.log', 'cleaned /var/log/apt/*', 'cleaned /var/lib/dpkg/*-old']);
  assert.equal(await readFile(join(root, 'etc/machine-id'), 'utf8'), '');
  assert.deepEqual(await readdir(join(root, 'etc/ssh')), ['sshd_config']);
  assert.deepEqual(await readdir(join(root, 'var/lib/apt/lists')), ['lock']);
  assert.deepEqual((await readdir(join(root, 'var/log'))).sort(), ['apt', 'wtmp']);
  assert.deepEqual(await readdir(join(root, 'var/lib/dbus')), ['machine-id'], 'the link stays');
  const again = await exec(argv[0]!, argv.slice(1));
  assert.equal(again.stdout, '', 'nothing more to clean');
});

test('mtimes newer than the epoch are clamped to it, older ones kept', async (t) => {
  const root = await tempDir(t);
  await writeFile(join(root, 'new'), '');
  await writeFile(join(root, 'old'), '');
  await utimes(join(root, 'old'), 1000, 1000);
  const argv = clampMtimesArgv(root, 1700000000);
  await exec(argv[0]!, argv.slice(1));
  assert.equal((await stat(join(root, 'new'))).mtimeMs, 1700000000_000);
  assert.equal((await stat(join(root, 'old'))).mtimeMs, 1000_000);
  assert.equal((await stat(root)).mtimeMs, 1700000000_000);
});
