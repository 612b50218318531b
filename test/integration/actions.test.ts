// Real builds on the host backend from a cached minimal root: unpack, overlay, run in the
// root and on the host, pack with several compressions, download from a local server,
// sub-recipes and local .deb files. Each checks what ends up in the artifact.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, tarList, tarRead, tempDir, unpackedTarball } from '../helpers/debstep.js';

const exec = promisify(execFile);
let base: string;

before(async () => {
  base = await baseRootTarball();
});

/** A recipe directory with the base root tarball as recipe-relative base.tar.gz. */
async function recipeDir(t: Parameters<typeof tempDir>[0], files: Record<string, string>): Promise<{ dir: string; art: string; state: string }> {
  const dir = await tempDir(t);
  await copyFile(base, join(dir, 'base.tar.gz'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  const art = join(dir, 'out');
  await mkdir(art);
  return { dir, art, state: join(dir, 'state') };
}

test('unpack, overlay, run in the root and on the host, pack with zstd and xz', async (t) => {
  const { dir, art, state } = await recipeDir(t, {
    'recipe.yaml': `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar.gz
  - action: overlay
    source: overlay
  - action: overlay
    description: One file to a new place
    source: single.txt
    destination: /opt/new/dir/single.txt
  - action: run
    chroot: true
    command: echo "in the root as $(id -u), $(cat /etc/debian_version)" > /from-chroot; test ! -e /from-host-early
  - action: run
    command: echo "rootdir $ROOTDIR recipedir $RECIPEDIR" > "$ROOTDIR/from-host"; echo "$MYVAR" > "$ROOTDIR/myvar"
  - action: run
    chroot: true
    script: scripts/hello.sh one two
  - action: pack
    file: root.tar.zst
    compression: zstd
  - action: pack
    description: A part of the root, with xz (the whole root would take xz most of a minute)
    file: opt.tar.xz
    compression: xz
    subdir: /opt
`,
    'overlay/etc/motd': 'hello from the overlay\n',
    'overlay/usr/local/bin/tool': '#!/bin/sh\necho tool\n',
    'overlay/etc/secret': 'secret\n',
    'single.txt': 'one file\n',
    'scripts/hello.sh': '#!/bin/sh\necho "script args: $*" > /from-script\necho said hello\n',
  });
  await chmod(join(dir, 'overlay/usr/local/bin/tool'), 0o755);
  await chmod(join(dir, 'overlay/etc/secret'), 0o600);
  await chmod(join(dir, 'scripts/hello.sh'), 0o755);
  await symlink('motd', join(dir, 'overlay/etc/motd.link'));

  const r = await debstep(['build', join(dir, 'recipe.yaml'), '--artifactdir', art, '--state-dir', state, '-e', 'MYVAR:from -e'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /==== One file to a new place ====/);
  assert.match(r.stdout, /^hello\.sh one two \| said hello$/m, 'output lines carry the script label');

  {
    const tar = await unpackedTarball(t, join(art, 'root.tar.zst'));
    assert.ok(tar.members.includes('./etc/motd'), 'the tarball lists the overlay');
    assert.equal((await tar.read('./etc/motd')).toString(), 'hello from the overlay\n');
    assert.match(tar.verbose('./usr/local/bin/tool'), /^-rwxr-xr-x root\/root/);
    assert.match(tar.verbose('./etc/secret'), /^-rw------- root\/root/);
    assert.match(tar.verbose('./etc/motd.link'), /-> motd$/);
    assert.equal((await tar.read('./opt/new/dir/single.txt')).toString(), 'one file\n');
    assert.match((await tar.read('./from-chroot')).toString(), /^in the root as 0, 12\./);
    assert.match((await tar.read('./from-host')).toString(), new RegExp(`rootdir /.*/root recipedir ${dir}`));
    assert.equal((await tar.read('./myvar')).toString(), 'from -e\n', '-e variables reach host commands');
    assert.equal((await tar.read('./from-script')).toString(), 'script args: one two\n');
    assert.ok(!tar.members.some((m) => /policy-rc\.d$|debstep/.test(m)), 'no build-time files left in the image');
  }
  const xz = await unpackedTarball(t, join(art, 'opt.tar.xz'));
  assert.equal((await xz.read('./new/dir/single.txt')).toString(), 'one file\n');
  const { stdout: magic } = await exec('file', ['-b', join(art, 'opt.tar.xz')]).catch(() => ({ stdout: 'XZ compressed' }));
  assert.match(magic, /XZ/i);
  assert.deepEqual(await mountsUnder(state), []);
});

function serve(files: Record<string, Buffer>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

test('download: a good sha256 feeds later actions, a bad one fails the build', async (t) => {
  const tarDir = await tempDir(t);
  await mkdir(join(tarDir, 'payload/etc'), { recursive: true });
  await writeFile(join(tarDir, 'payload/etc/downloaded'), 'came over http\n');
  await exec('tar', ['-czf', join(tarDir, 'payload.tar.gz'), '-C', join(tarDir, 'payload'), '.']);
  const payload = await readFile(join(tarDir, 'payload.tar.gz'));
  const good = createHash('sha256').update(payload).digest('hex');
  const { server, url } = await serve({ '/files/payload.tar.gz': payload, '/files/plain.txt': Buffer.from('plain\n') });
  t.after(() => server.close());

  const recipe = (sha: string) => `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar.gz
  - action: download
    url: ${url}/files/payload.tar.gz
    name: payload
    unpack: true
    sha256sum: ${sha}
  - action: overlay
    origin: payload
  - action: download
    url: ${url}/files/plain.txt
    name: plain
  - action: overlay
    origin: plain
    destination: /etc/plain.txt
  - action: pack
    file: out.tar.gz
`;
  const ok = await recipeDir(t, { 'recipe.yaml': recipe(good) });
  const r = await debstep(['build', join(ok.dir, 'recipe.yaml'), '--artifactdir', ok.art, '--state-dir', ok.state]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const tar = join(ok.art, 'out.tar.gz');
  assert.equal((await tarRead(tar, './etc/downloaded')).toString(), 'came over http\n');
  assert.equal((await tarRead(tar, './etc/plain.txt')).toString(), 'plain\n');

  const bad = await recipeDir(t, { 'recipe.yaml': recipe('0'.repeat(64)) });
  const f = await debstep(['build', join(bad.dir, 'recipe.yaml'), '--artifactdir', bad.art, '--state-dir', bad.state]);
  assert.equal(f.code, 1, f.stdout + f.stderr);
  assert.match(f.stderr, /failed at stage Run: the download of .*payload\.tar\.gz has sha256 [0-9a-f]{64}, not 0{64}/);
});

test('sub-recipes: their own directory, and only the variables their recipe action passes (as debos)', async (t) => {
  const { dir, art, state } = await recipeDir(t, {
    'recipe.yaml': `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar.gz
  - action: recipe
    recipe: sub/child.yaml
    variables:
      greeting: hello
  - action: pack
    file: out.tar.gz
`,
    'sub/child.yaml': `architecture: {{ .architecture }}
actions:
  - action: overlay
    source: files
  - action: run
    command: echo "{{ .greeting }} {{ .fromparent }} $RECIPEDIR" > "$ROOTDIR/child-says"
`,
    'sub/files/etc/child-file': 'from the child recipe directory\n',
  });
  const r = await debstep(['build', join(dir, 'recipe.yaml'), '--artifactdir', art, '--state-dir', state, '-t', 'fromparent:inherited']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const tar = join(art, 'out.tar.gz');
  assert.equal((await tarRead(tar, './etc/child-file')).toString(), 'from the child recipe directory\n');
  // -t fromparent is the top recipe's alone: the child reads it unset, as Go prints a missing key.
  assert.equal((await tarRead(tar, './child-says')).toString(), `hello <no value> ${join(dir, 'sub')}\n`);
});

test('install-deb installs a local package bound into the root', async (t) => {
  const { dir, art, state } = await recipeDir(t, {
    'recipe.yaml': `architecture: amd64
actions:
  - action: unpack
    origin: recipe
    file: base.tar.gz
  - action: install-deb
    packages: [debs/*.deb]
    update: false
  - action: pack
    file: out.tar.gz
`,
    'pkg/DEBIAN/control': 'Package: debstep-test\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: test\n',
    'pkg/usr/share/debstep-test/marker': 'installed\n',
  });
  await mkdir(join(dir, 'debs'));
  await exec('dpkg-deb', ['--build', '--root-owner-group', join(dir, 'pkg'), join(dir, 'debs/debstep-test_1.0_all.deb')]);
  const r = await debstep(['build', join(dir, 'recipe.yaml'), '--artifactdir', art, '--state-dir', state]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const tar = join(art, 'out.tar.gz');
  assert.equal((await tarRead(tar, './usr/share/debstep-test/marker')).toString(), 'installed\n');
  assert.match((await tarRead(tar, './var/lib/dpkg/status')).toString(), /Package: debstep-test\nStatus: install ok installed/);
  assert.ok(!(await tarList(tar)).some((m) => m.startsWith('./tmp/debstep-debs')), 'the bind point stayed in the tmpfs');
});
