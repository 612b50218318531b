// debstep doctor on this machine: every section, a remedy for every problem, and an exit
// status that says whether there was one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debstep, tempDir } from '../helpers/debstep.js';

test('doctor reports root, tools, binfmt per architecture, KVM and the state directory', async (t) => {
  const state = await tempDir(t);
  const r = await debstep(['doctor', '--arch', 'riscv64', '--state-dir', state, '--verbose']);
  for (const section of ['Privileges:', 'Tools:', 'Foreign architectures:', 'Virtual machine:', 'State directory:']) assert.ok(r.stdout.includes(section), section);
  assert.match(r.stdout, /\[ok {2}\] root: running as root/);
  assert.match(r.stdout, /\] mmdebstrap: \/usr\/bin\/mmdebstrap/, 'with --verbose the tools that are there are listed too');
  for (const arch of ['arm64', 'armhf', 'riscv64']) assert.match(r.stdout, new RegExp(`\\] binfmt ${arch}: `));
  assert.match(r.stdout, /\] kvm: /);
  assert.match(r.stdout, /\] overlayfs: /);
  assert.match(r.stdout, /\] disk: [\d.]+ GiB free in /);
  const fails = r.stdout.split('\n').filter((l) => l.includes('[FAIL]'));
  const fixes = r.stdout.split('\n').filter((l) => /^\s+fix: /.test(l));
  assert.ok(fixes.length >= fails.length, 'every problem has a fix line');
  assert.equal(r.code, fails.length ? 1 : 0);
  assert.match(r.stdout, fails.length ? /problems? found\.$/m : /^No problems found\.$/m);
});

test('the pacstrap action on the host says it needs the VM backend, before anything runs', async (t) => {
  const dir = await tempDir(t);
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await writeFile(join(dir, 'pacman.conf'), '[options]\n');
  await writeFile(join(dir, 'mirrorlist'), 'Server = http://arch.invalid/$repo/os/$arch\n');
  await writeFile(join(dir, 'r.yaml'), 'architecture: amd64\nactions:\n  - action: pacstrap\n    config: pacman.conf\n    mirror: mirrorlist\n');
  const r = await debstep(['build', join(dir, 'r.yaml'), '--disable-fakemachine', '--artifactdir', dir, '--state-dir', join(dir, 'state')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: Action 'pacstrap' failed at stage PreNoMachine: the pacstrap action needs the VM backend/m);
  assert.match(r.stderr, /^hint: build with --backend vm$/m);
});
