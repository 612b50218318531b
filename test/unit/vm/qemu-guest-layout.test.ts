import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostError } from '../../../src/core/errors.js';
import { HOST_ROOT, arrange, guestLayout, nodePrefix, sharedCache } from '../../../src/vm/qemu/guest-layout.js';

/** A fake host root: merged /usr (bin → usr/bin) but a real /lib64 directory. */
async function fakeHost(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'debstep-layout-test-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const d of ['usr/bin', 'lib64', 'etc/ssl', 'work/ws', 'work/art']) await mkdir(join(root, d), { recursive: true });
  await symlink('usr/bin', join(root, 'bin'));
  for (const f of ['resolv.conf', 'hosts', 'passwd', 'hostname']) await writeFile(join(root, 'etc', f), '');
  return root;
}

test('system directories: symlinks copied, real directories bound read-only from the host export', async (t) => {
  const root = await fakeHost(t);
  const layout = await guestLayout({ shares: [], readOnly: [], hostRoot: root, kernelRelease: '6.1.0-57-amd64' });
  assert.deepEqual(layout.links.filter(([p]) => !p.startsWith('/etc/')), [['/bin', 'usr/bin']]);
  const binds = layout.mounts.filter((m) => m.type === 'bind').map((m) => [m.type === 'bind' && m.source, m.path]);
  assert.deepEqual(binds, [[`${HOST_ROOT}/lib64`, '/lib64'], [`${HOST_ROOT}/usr`, '/usr']]);
  assert.deepEqual(layout.exports, [{ tag: 'host', hostPath: root, readOnly: true }]);
  assert.deepEqual(layout.mounts[0], { type: '9p', tag: 'host', path: HOST_ROOT, readOnly: true, cache: 'loose', hostPath: '/' });
});

test("the guest's /etc links into the host's, except the files the guest owns", async (t) => {
  const layout = await guestLayout({ shares: [], readOnly: [], hostRoot: await fakeHost(t), kernelRelease: '6.1.0-57-amd64' });
  const etc = layout.links.filter(([p]) => p.startsWith('/etc/'));
  assert.deepEqual(etc, [['/etc/passwd', `${HOST_ROOT}/etc/passwd`], ['/etc/ssl', `${HOST_ROOT}/etc/ssl`]]);
});

test('work directories get read-write 9p devices of their own at the same paths', async (t) => {
  const root = await fakeHost(t);
  const layout = await guestLayout({ shares: [join(root, 'work/ws'), join(root, 'work/art')], readOnly: [], hostRoot: '', kernelRelease: '6.1.0-57-amd64' });
  const rw = layout.mounts.filter((m) => m.type === '9p' && !m.readOnly);
  assert.deepEqual(rw.map((m) => m.path), [join(root, 'work/art'), join(root, 'work/ws')]);
  assert.ok(rw.every((m) => m.type === '9p' && m.cache === 'mmap' && m.hostPath === m.path));
  assert.deepEqual(layout.exports.slice(1).map((e) => e.readOnly), [false, false]);
});

test('sharing a system directory read-write, or something that is not a directory, is refused', async (t) => {
  const root = await fakeHost(t);
  await assert.rejects(guestLayout({ shares: ['/usr/lib'], readOnly: [], hostRoot: root, kernelRelease: '6.1.0-57-amd64' }), HostError);
  await assert.rejects(guestLayout({ shares: [join(root, 'nope')], readOnly: [], hostRoot: root, kernelRelease: '6.1.0-57-amd64' }), /not a directory/);
});

test('arrange: covered directories go, read-write wins, parents come first', () => {
  assert.deepEqual(
    arrange([
      { path: '/work/main', readOnly: true },
      { path: '/work', readOnly: false },
      { path: '/usr', readOnly: true },
      { path: '/usr/local/lib/node', readOnly: true },
      { path: '/usr/src/build', readOnly: false },
      { path: '/data/', readOnly: true },
      { path: '/data', readOnly: false },
    ]),
    [
      { path: '/data', readOnly: false },
      { path: '/usr', readOnly: true },
      { path: '/work', readOnly: false },
      { path: '/usr/src/build', readOnly: false },
    ],
  );
});

test('node outside /usr is shared by its prefix', () => {
  assert.equal(nodePrefix('/usr/bin/node'), undefined);
  assert.equal(nodePrefix('/home/u/.nvm/versions/node/v20.1.0/bin/node'), '/home/u/.nvm/versions/node/v20.1.0');
  assert.equal(nodePrefix('/opt/node'), '/opt');
});

test('read-write shares cache nothing the host may change: mmap before Linux 6.6, none from 6.6 (where mmap means writeback)', () => {
  for (const r of ['6.1.0-57-amd64', '5.10.0-30-amd64', '6.5.13']) assert.equal(sharedCache(r), 'mmap', r);
  for (const r of ['6.6.0', '6.12.117+deb13-amd64', '6.8.0-49-generic', '6.18.44-fc-v1300', '7.0.1']) assert.equal(sharedCache(r), 'none', r);
});
