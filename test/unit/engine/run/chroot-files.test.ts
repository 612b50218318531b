import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BuildTimeFile, withBuildTimeFiles } from '../../../../src/engine/run/chroot-files.js';
import { FakeFiles } from '../../../helpers/fake-machine.js';

const files: BuildTimeFile[] = [
  { path: '/etc/resolv.conf', content: 'nameserver 10.0.0.1\n', mode: 0o644, onlyIfDir: '/etc' },
  { path: '/usr/sbin/policy-rc.d', content: 'exit 101\n', mode: 0o755, onlyIfDir: '/usr/sbin' },
];

test('build-time files are in place during the command and the image keeps its own after', async () => {
  const root = new FakeFiles();
  await root.writeFile('/etc/resolv.conf', 'nameserver image\n');
  await root.writeFile('/etc/hostname', 'x');
  let during = '';
  await withBuildTimeFiles(root, files, async () => {
    during = (await root.readFile('/etc/resolv.conf')).toString();
  });
  assert.equal(during, 'nameserver 10.0.0.1\n');
  assert.equal((await root.readFile('/etc/resolv.conf')).toString(), 'nameserver image\n');
  assert.equal(await root.exists('/usr/sbin/policy-rc.d'), false, 'no /usr/sbin: no policy-rc.d');
  assert.deepEqual([...root.files.keys()].sort(), ['/etc/hostname', '/etc/resolv.conf']);
});

test('a file the command replaced is kept, and the saved one dropped; also after a failure', async () => {
  const root = new FakeFiles();
  await root.writeFile('/etc/resolv.conf', 'image\n');
  await root.mkdir('/usr/sbin');
  await assert.rejects(
    withBuildTimeFiles(root, files, async () => {
      await root.writeFile('/etc/resolv.conf', 'written by the command\n');
      throw new Error('command failed');
    }),
    /command failed/,
  );
  assert.equal((await root.readFile('/etc/resolv.conf')).toString(), 'written by the command\n');
  assert.equal(await root.exists('/etc/resolv.conf.debstep-saved'), false);
  assert.equal(await root.exists('/usr/sbin/policy-rc.d'), false);
});
