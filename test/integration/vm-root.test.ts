// A real Debian root in the VM's layered root: unpacked from a cached mmdebstrap tarball,
// chroot commands, apt through the guest's network to the host's mirror, and an arm64
// root running through the binfmt handlers the guest copied from the host.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { isForeign } from '../../src/vm/binfmt.js';
import { hostBinfmtRegistrations } from '../../src/vm/qemu/binfmt-handlers.js';
import type { QemuMachine } from '../../src/vm/qemu/qemu-machine.js';
import { startQemuMachine } from '../../src/vm/qemu/prepared-vm.js';
import { baseRootTarball, TEST_CACHE } from '../helpers/base-root.js';
import { type VmWorkspace, assertNoQemuLeft, collect, layer, vmWorkspace } from './vm-helpers.js';

const SUITE = 'bookworm';
const arm64 = isForeign('arm64') && (await hostBinfmtRegistrations()).some((r) => r.startsWith(':qemu-aarch64:'));

let ws: VmWorkspace;
let vm: QemuMachine;
let amd64Tar: string;
let arm64Tar: string | undefined;

before(async () => {
  amd64Tar = await baseRootTarball(SUITE, 'amd64', 'tar');
  if (arm64) arm64Tar = await baseRootTarball(SUITE, 'arm64', 'tar');
  ws = await vmWorkspace();
  vm = await startQemuMachine({ rootDir: ws.rootDir, layersDir: ws.layersDir, shares: [ws.dir, TEST_CACHE], accel: 'auto' });
});

after(async () => {
  await vm?.close();
  assertNoQemuLeft(ws);
  await rm(ws.dir, { recursive: true, force: true });
});

/** Runs a command, failing the test with its output if it fails; returns the output. */
async function run(argv: string[], chroot: boolean): Promise<string> {
  const out = collect();
  const r = await vm.exec({ argv, chroot, label: argv[0]!, env: { DEBIAN_FRONTEND: 'noninteractive' } }, out.sink);
  assert.equal(r.exitStatus, 0, `${argv.join(' ')} failed:\n${out.text()}`);
  return out.text();
}

test('a Debian root unpacked into the layered root runs chroot commands', async () => {
  await vm.mountRoot(layer(ws, 'L001'));
  await run(['tar', '-xf', amd64Tar, '-C', ws.rootDir], false);
  assert.match(await run(['cat', '/etc/debian_version'], true), /^12\.\d+$/);
  assert.equal(await run(['sh', '-c', 'echo "$HOME $(id -u) $(pwd)"'], true), '/root 0 /');
});

test("the root's overlay drops syncs (volatile) and mounts again over the same layer", async () => {
  // The layer's work directory now holds overlayfs's mark of a volatile mount, which it
  // refuses to mount over unless the mark is removed.
  await vm.mountRoot(layer(ws, 'L001'));
  const root = (await run(['cat', '/proc/mounts'], false)).split('\n').find((l) => l.startsWith('debstep-root '));
  assert.match(root ?? '', /[ ,]volatile[ ,]/, `the root's mount: ${root}`);
  assert.match(await run(['cat', '/etc/debian_version'], true), /^12\.\d+$/);
});

test("apt-get installs hello in the chroot through the guest's network", async () => {
  // As the engine's build-time files would: the guest's resolver, for the chroot.
  await vm.files.writeFile('/etc/resolv.conf', await run(['cat', '/etc/resolv.conf'], false) + '\n');
  await run(['apt-get', 'update'], true);
  await run(['apt-get', 'install', '-y', '--no-install-recommends', 'hello'], true);
  assert.equal(await run(['hello'], true), 'Hello, world!');
});

test('an arm64 root runs in the guest through binfmt and qemu-user', { skip: arm64 ? false : 'no qemu-aarch64 binfmt handler on this host' }, async () => {
  await vm.mountRoot(layer(ws, 'A001'));
  await run(['tar', '-xf', arm64Tar!, '-C', ws.rootDir], false);
  assert.equal(await run(['uname', '-m'], true), 'aarch64');
  assert.match(await run(['dpkg', '--print-architecture'], true), /^arm64$/);
});
