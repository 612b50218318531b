// Foreign architectures whose binaries cannot run: the build stops before the first
// command that needs them, naming the missing piece and the command that fixes it.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { baseRootTarball } from '../helpers/base-root.js';
import { debstep, mountsUnder, tempDir } from '../helpers/debstep.js';

const HANDLER = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
const enabled = await readFile(HANDLER, 'utf8').then((s) => s.startsWith('enabled'), () => false);

test('a disabled binfmt handler stops an arm64 build at once, with the fix', { skip: !enabled && 'the qemu-aarch64 binfmt handler is not registered here' }, async (t) => {
  const dir = await tempDir(t);
  await copyFile(await baseRootTarball('bookworm', 'arm64', 'tar'), join(dir, 'base.tar'));
  await writeFile(join(dir, 'r.yaml'), 'architecture: arm64\nactions:\n  - action: unpack\n    origin: recipe\n    file: base.tar\n  - action: run\n    chroot: true\n    command: uname -m\n');
  await mkdir(join(dir, 'out'));
  // Disabling the handler affects the whole machine: put it back whatever happens.
  await writeFile(HANDLER, '0');
  t.after(() => writeFile(HANDLER, '1'));
  const r = await debstep(['build', join(dir, 'r.yaml'), '--disable-fakemachine', '--artifactdir', join(dir, 'out'), '--state-dir', join(dir, 'state')]);
  await writeFile(HANDLER, '1');
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /^error: Action 'run' failed at stage Run: cannot run arm64 binaries on this machine: the binfmt_misc handler qemu-aarch64 for arm64 is disabled$/m);
  assert.match(r.stderr, /^hint: fix: update-binfmts --enable qemu-aarch64$/m);
  assert.ok(!r.stdout.includes('run | '), 'nothing ran in the root');
  assert.deepEqual(await mountsUnder(dir), []);
});
