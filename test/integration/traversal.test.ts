// Paths that lead out of where they belong are refused: an overlay destination or a pack
// file with `..`, an archive with `../` members, and host-side writes through an
// absolute symlink in the root, which resolve inside the root as the chroot would.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, tarList, tarRead, tempDir } from '../helpers/debstep.js';

let base: string;
before(async () => {
  base = await baseRootTarball();
});

async function setup(t: Parameters<typeof tempDir>[0], actions: string, files: Record<string, string | Buffer> = {}) {
  const dir = await tempDir(t);
  await copyFile(base, join(dir, 'base.tar.gz'));
  await writeFile(join(dir, 'recipe.yaml'), `architecture: amd64\nactions:\n  - action: unpack\n    origin: recipe\n    file: base.tar.gz\n${actions}`);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  const art = join(dir, 'out');
  await mkdir(art);
  const build = () => debstep(['build', join(dir, 'recipe.yaml'), '--artifactdir', art, '--state-dir', join(dir, 'state')]);
  return { dir, art, build };
}

test('an overlay destination leading out of the root is a recipe error', async (t) => {
  const { build, dir } = await setup(t, '  - action: overlay\n    source: files\n    destination: ../..\n', { 'files/x': 'x\n' });
  const r = await build();
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^error: ${dir}/recipe.yaml:8:18: overlay action: destination "\\.\\./\\.\\." leads out of the root filesystem$`, 'm'));
});

test('a pack file leading out of the artifact directory is a recipe error', async (t) => {
  const { build, dir } = await setup(t, '  - action: pack\n    file: ../../x.tar.gz\n');
  const r = await build();
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^error: ${dir}/recipe.yaml:7:11: pack action: file "\\.\\./\\.\\./x\\.tar\\.gz" leads out of the artifact directory$`, 'm'));
});

/** A tar.gz with one member named `name`, made without tar's own safety checks. */
async function tarWith(name: string, content: string): Promise<Buffer> {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const body = Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
  const { gzipSync } = await import('node:zlib');
  return gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)]));
}

test('unpacking an archive with ../ members fails and writes nothing outside', async (t) => {
  const { build, dir } = await setup(t, '  - action: unpack\n    origin: recipe\n    file: evil.tar.gz\n', { 'evil.tar.gz': await tarWith('../../escaped', 'evil\n') });
  const r = await build();
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: Action 'unpack' failed at stage Run: unpack: command failed with exit status 2$/m);
  assert.match(r.stderr, /Member name contains '\.\.'/);
  assert.match(r.stderr, /^hint: the archive has members that lead out of the destination/m);
  const near = [...(await readdir(dir)), ...(await readdir(join(dir, '..')))];
  assert.ok(!near.includes('escaped'));
});

test('host-side writes follow an absolute symlink in the root inside the root, never to the host', async (t) => {
  // /srv exists on the host; in the root, /opt/data -> /srv and /etc/issue.net -> /etc/hostname-of-host.
  const hostProbe = `debstep-traversal-${process.pid}`;
  const { build, art } = await setup(
    t,
    `  - action: run
    chroot: true
    command: ln -s /srv /opt/data && ln -sf /etc/${hostProbe} /etc/issue.net
  - action: overlay
    source: files
  - action: pack
    file: out.tar.gz
`,
    { [`files/opt/data/${hostProbe}`]: 'written through the symlink\n', 'files/etc/issue.net': 'replaced\n' },
  );
  const r = await build();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const absent = (p: string) => access(p).then(() => false, () => true);
  assert.ok(await absent(`/srv/${hostProbe}`), 'nothing written in the host /srv');
  assert.ok(await absent(`/etc/${hostProbe}`), 'nothing written in the host /etc');
  const tar = join(art, 'out.tar.gz');
  assert.equal((await tarRead(tar, `./srv/${hostProbe}`)).toString(), 'written through the symlink\n');
  assert.equal((await tarRead(tar, './etc/issue.net')).toString(), 'replaced\n', 'a file replaces the symlink itself');
  assert.ok(!(await tarList(tar)).includes(`./etc/${hostProbe}`));
  assert.deepEqual(await mountsUnder(art), []);
});
