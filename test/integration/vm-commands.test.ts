// One real VM (TCG here: KVM fails on this machine) for the whole file: commands, their
// exit statuses and output, the root's files, shells and shares, through the guest agent.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isForeign } from '../../src/vm/binfmt.js';
import { chooseKernel } from '../../src/vm/qemu/kernel.js';
import type { QemuMachine } from '../../src/vm/qemu/qemu-machine.js';
import { startQemuMachine } from '../../src/vm/qemu/prepared-vm.js';
import { type VmWorkspace, assertNoQemuLeft, collect, layer, vmWorkspace } from './vm-helpers.js';

let ws: VmWorkspace;
let vm: QemuMachine;
const diagnostics: string[] = [];

before(async () => {
  ws = await vmWorkspace();
  vm = await startQemuMachine({
    rootDir: ws.rootDir,
    layersDir: ws.layersDir,
    shares: [ws.dir],
    accel: 'auto',
    scratchSize: '2G',
    verbose: true,
    onDiagnostic: (source, message) => diagnostics.push(`${source}: ${message}`),
  });
  await vm.mountRoot(layer(ws, 'L001'));
});

after(async () => {
  await vm?.close();
  assertNoQemuLeft(ws);
  assert.deepEqual((await readdir(ws.dir)).filter((f) => f.startsWith('scratch-')), [], 'the scratch disk is deleted');
  await rm(ws.dir, { recursive: true, force: true });
});

test('the guest runs the kernel chosen for it, and says why, how and how fast', async () => {
  const out = collect();
  const r = await vm.exec({ argv: ['uname', '-r'], chroot: false, label: 'uname' }, out.sink);
  assert.equal(r.exitStatus, 0);
  const { release } = await chooseKernel({});
  assert.equal(out.text(), release);
  assert.ok(diagnostics.some((d) => d.startsWith('vm: agent ready') && d.includes(`guest kernel ${release} up`)), 'the agent reports the guest kernel');
  assert.equal(vm.backend, 'vm');
  assert.match(vm.reason, /QEMU VM with (KVM|TCG)/);
  for (const pattern of [/^accel: (KVM|TCG)/, /^kernel: .*vmlinuz.*: the /, /^modules: load order: .*virtio_ring .*virtio .*virtio_pci/, /^qemu: .*qemu-system-x86_64 .*-kernel/, /^mounts: \/usr: the host's \/usr, read-only/, /^guest: \[[\d.]+\] loaded module 9p$/, /^vm: agent ready \d+ ms after start/]) {
    assert.ok(diagnostics.some((d) => pattern.test(d)), `a diagnostic matches ${pattern}`);
  }
  if (/TCG/.test(vm.reason)) {
    assert.ok(diagnostics.some((d) => /^agent: agent from (its|a) V8 startup snapshot/.test(d)), 'under TCG the agent starts from its snapshot');
    assert.ok(!diagnostics.some((d) => /refused the agent's snapshot/.test(d)), 'and node takes it');
  }
});

test('exit statuses come back: failure, command not found', async () => {
  const fail = await vm.exec({ argv: ['sh', '-c', 'echo before; exit 7'], chroot: false, label: 't' }, () => {});
  assert.deepEqual([fail.exitStatus, fail.signal, fail.outputTail], [7, null, ['before']]);
  const missing = await vm.exec({ argv: ['no-such-command-here'], chroot: false, label: 't' }, () => {});
  assert.equal(missing.exitStatus, 127);
});

test('10,000 lines of output all arrive, in order, with stderr interleaved where it was written', async () => {
  const out = collect();
  const r = await vm.exec({ argv: ['sh', '-c', 'seq 1 10000; echo done >&2'], chroot: false, label: 'seq' }, out.sink);
  assert.equal(r.exitStatus, 0);
  assert.equal(out.lines.length, 10001);
  for (let i = 0; i < 10000; i++) assert.deepEqual(out.lines[i], ['stdout', String(i + 1)]);
  assert.deepEqual(out.lines[10000], ['stderr', 'done']);
  assert.deepEqual(r.outputTail.at(-1), 'done');
});

test('stdin, environment and working directory reach the command', async () => {
  const out = collect();
  const r = await vm.exec({ argv: ['sh', '-c', 'read x; echo "$x $FOO $(pwd)"'], chroot: false, label: 't', stdin: 'hello\n', env: { FOO: 'bar' }, cwd: ws.dir }, out.sink);
  assert.equal(r.exitStatus, 0);
  assert.equal(out.text(), `hello bar ${ws.dir}`);
});

test('an aborted command is stopped', async () => {
  const started = Date.now();
  const r = await vm.exec({ argv: ['sleep', '120'], chroot: false, label: 't', signal: AbortSignal.timeout(1500) }, () => {});
  assert.notEqual(r.exitStatus, 0);
  assert.ok(Date.now() - started < 60_000, 'well before the sleep would end');
});

test('files in the layered root: write, read, symlinks resolved inside the root, rename, remove', async () => {
  await vm.files.mkdir('/etc/app');
  await vm.files.writeFile('/etc/app/conf', 'a=1\n', 0o600);
  assert.equal((await vm.files.readFile('/etc/app/conf')).toString(), 'a=1\n');
  assert.ok(await vm.files.exists('/etc/app/conf'));
  const out = collect();
  await vm.exec({ argv: ['sh', '-c', `ln -s /etc/app ${ws.rootDir}/link; stat -c %a ${ws.rootDir}/etc/app/conf`], chroot: false, label: 't' }, out.sink);
  assert.equal(out.text(), '600');
  assert.equal(await vm.files.resolve('/link/conf'), join(ws.rootDir, 'etc/app/conf'));
  await vm.files.rename('/etc/app/conf', '/etc/app/conf.old');
  assert.ok(!(await vm.files.exists('/etc/app/conf')));
  await vm.files.remove('/etc/app');
  assert.ok(!(await vm.files.exists('/etc/app/conf.old')));
  // The root lives on the layers disk in the guest, not on the host.
  await assert.rejects(stat(join(ws.layersDir, 'L001', 'link')));
});

test('copyIn from a shared directory and from one the guest cannot see', async (t) => {
  const shared = join(ws.dir, 'overlay-src');
  await mkdir(join(shared, 'usr/share/doc'), { recursive: true });
  await writeFile(join(shared, 'usr/share/doc/a.txt'), 'shared\n');
  await vm.files.copyIn(shared, '/');
  assert.equal((await vm.files.readFile('/usr/share/doc/a.txt')).toString(), 'shared\n');
  const hidden = await mkdtemp(join(tmpdir(), 'debstep-vm-hidden-'));
  t.after(() => rm(hidden, { recursive: true, force: true }));
  await writeFile(join(hidden, 'script.sh'), '#!/bin/sh\necho hidden\n', { mode: 0o755 });
  await symlink('script.sh', join(hidden, 'run'));
  await vm.files.copyIn(hidden, '/opt');
  assert.equal((await vm.files.readFile('/opt/script.sh')).toString(), '#!/bin/sh\necho hidden\n');
  const out = collect();
  await vm.exec({ argv: ['sh', '-c', `stat -c %a ${ws.rootDir}/opt/script.sh; readlink ${ws.rootDir}/opt/run`], chroot: false, label: 't' }, out.sink);
  assert.equal(out.text(), '755\nscript.sh');
});

test('what the guest writes to a share is on the host at the same path', async () => {
  const path = join(ws.dir, 'artifact.txt');
  const r = await vm.exec({ argv: ['sh', '-c', `echo from-guest > ${path}`], chroot: false, label: 't' }, () => {});
  assert.equal(r.exitStatus, 0);
  assert.equal(await readFile(path, 'utf8'), 'from-guest\n');
});

test('binds and working directories the guest cannot see are refused with a reason', async () => {
  await assert.rejects(vm.exec({ argv: ['true'], chroot: true, label: 't', binds: [{ source: '/root', target: '/tmp/x' }] }, () => {}), /does not see that host directory/);
  await assert.rejects(vm.exec({ argv: ['true'], chroot: false, label: 't', cwd: '/root' }, () => {}), /does not see that host directory/);
});

test('scratch is an ext4 disk of its own when a size is given; loop devices work', async () => {
  const out = collect();
  const script = [
    'stat -f -c %T /scratch',
    'df -B1G --output=size /scratch | tail -1 | tr -d " "',
    'truncate -s 16M /scratch/disk.img',
    'dev=$(losetup --find --show /scratch/disk.img)',
    'case $dev in /dev/loop*) echo loop-ok;; esac',
    'losetup -d "$dev"',
  ].join(' && ');
  const r = await vm.exec({ argv: ['sh', '-c', script], chroot: false, label: 't' }, out.sink);
  assert.equal(r.exitStatus, 0, out.text());
  assert.deepEqual(out.text().split('\n'), ['ext2/ext3', '2', 'loop-ok']);
});

test('an interactive shell in the VM', async () => {
  const session = await vm.shell({ chroot: false, shell: '/bin/sh', cols: 80, rows: 24, cwd: ws.dir });
  let seen = '';
  session.onData((d) => (seen += d));
  const exited = new Promise<number | null>((resolve) => session.onExit(resolve));
  session.write('echo "answer: $((6 * 7))"; exit 5\n');
  const status = await exited;
  assert.match(seen, /answer: 42/);
  // dash cannot restore the terminal's process group from inside the PID namespace
  // HostMachine gives shells and exits 2 there, on the host as in the VM; null would mean
  // the session died with the VM.
  assert.equal(typeof status, 'number', seen);
});

test('foreign binaries run in the guest through the host\'s binfmt handlers', { skip: isForeign('arm64') ? false : 'arm64 is native here' }, async () => {
  const d = await vm.diagnoseArch('arm64');
  assert.ok(d.ok, d.problem);
  assert.match(d.problem, /arm64 binaries run through/);
});

test('dropped layers are gone from the layers disk, and their space is given back to the host', async () => {
  const image = `${ws.layersDir}.img`;
  const allocated = async () => (await stat(image)).blocks * 512;
  await vm.mountRoot(layer(ws, 'L002', ['L001', 'base']));
  const before = await allocated();
  await vm.exec({ argv: ['sh', '-c', `head -c 33554432 /dev/urandom > ${ws.rootDir}/big; sync`], chroot: false, label: 't' }, () => {});
  assert.ok((await allocated()) > before + 30_000_000, 'the layer grew the image');
  await vm.mountRoot(layer(ws, 'L001'));
  await vm.dropLayers(ws.layersDir, ['L002', 'work-L002']);
  const out = collect();
  // Deleting runs in the background after a rename: wait for it, then for the discards.
  await vm.exec({ argv: ['sh', '-c', `for i in $(seq 100); do ls ${ws.layersDir} | grep -q L002 || break; sleep 0.1; done; sync; ls ${ws.layersDir}`], chroot: false, label: 't' }, out.sink);
  assert.deepEqual(out.text().split('\n').filter((l) => l.includes('L00')).sort(), ['L001', 'work-L001']);
  for (let i = 0; i < 40 && (await allocated()) > before + 8_000_000; i++) await new Promise((r) => setTimeout(r, 500));
  assert.ok((await allocated()) < before + 8_000_000, `the image shrank back (${await allocated()} bytes, was ${before})`);
});
