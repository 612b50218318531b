// The KVM probe: the guest it boots (argv, initramfs, /init), how a run is read, where its
// answer is kept and when it is not, and the decisions made from it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseBackend } from '../../../src/engine/machine/backend.js';
import { HostError } from '../../../src/core/errors.js';
import { type KvmHost, kvmProblem, kvmVerdict, recordKvmFailure } from '../../../src/vm/qemu/accel-probe.js';
import { decideAccel } from '../../../src/vm/qemu/accel.js';
import { staticBusybox } from '../../../src/vm/qemu/initramfs.js';
import { answerFile, probeKey, readAnswer, writeAnswer } from '../../../src/vm/qemu/kvm-probe-cache.js';
import { PROBE_EXIT_STATUS, PROBE_INIT_MARK, type ProbeOutcome, probeArgv, probeInitramfs, probeOutcome } from '../../../src/vm/qemu/kvm-probe-guest.js';
import { qemuArgv } from '../../../src/vm/qemu/qemu-argv.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-kvm-probe-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const option = (argv: readonly string[], name: string) => argv[argv.indexOf(name) + 1];

test("the probe boots the kernel with the build VM's machine and CPU under KVM, and an exit device", () => {
  const argv = probeArgv({ binary: '/usr/bin/qemu-system-x86_64', kernel: '/cache/vmlinux-1', initrd: '/tmp/p/probe.cpio' });
  const vm = qemuArgv({ binary: 'q', accel: 'kvm', memoryMb: 2048, cpus: 2, kernel: 'k', initrd: 'i', append: [], shares: [], disks: [], controlSocket: 's', controlPort: 'p', network: true });
  assert.equal(argv[0], '/usr/bin/qemu-system-x86_64');
  for (const name of ['-machine', '-accel', '-cpu']) assert.equal(option(argv, name), option(vm, name), `${name} as the build's VM under KVM`);
  assert.deepEqual([option(argv, '-accel'), option(argv, '-cpu')], ['kvm', 'host']);
  assert.equal(option(argv, '-kernel'), '/cache/vmlinux-1');
  assert.equal(option(argv, '-initrd'), '/tmp/p/probe.cpio');
  assert.equal(option(argv, '-device'), 'isa-debug-exit,iobase=0xf4,iosize=0x04');
  assert.match(option(argv, '-append') ?? '', /console=ttyS0/);
  assert.ok(argv.includes('-no-reboot'), 'a panic (panic=-1) ends QEMU instead of looping');
  assert.equal(PROBE_EXIT_STATUS, 33);
});

test("the probe's initramfs is busybox and an /init that mounts devtmpfs and writes 0x10 to port 0xf4", async (t) => {
  const dir = await tempDir(t);
  const busybox = await staticBusybox();
  await writeFile(join(dir, 'probe.cpio'), probeInitramfs(busybox.data));
  await mkdir(join(dir, 'x'));
  execFileSync('busybox', ['cpio', '-i', '-d', '-F', join(dir, 'probe.cpio')], { cwd: join(dir, 'x'), stdio: 'pipe' });
  const init = await readFile(join(dir, 'x/init'), 'utf8');
  assert.match(init, /^#!\/\.debstep\/busybox sh\n/);
  assert.match(init, /mount -t devtmpfs devtmpfs \/dev\n/);
  assert.match(init, /printf '\\020' \| \/\.debstep\/busybox dd of=\/dev\/port bs=1 seek=244 count=1/);
  assert.ok(init.indexOf(PROBE_INIT_MARK) < init.indexOf('dd of=/dev/port'), 'init says it was reached before it ends QEMU');
  assert.equal((await stat(join(dir, 'x/init'))).mode & 0o111, 0o111);
  assert.deepEqual(await readFile(join(dir, 'x/.debstep/busybox')), busybox.data);
  assert.deepEqual((await readdir(join(dir, 'x'))).sort(), ['.debstep', 'dev', 'init', 'proc'], 'no modules, nothing else');
  // The script itself runs: here /dev/port is not writable by a test, so the fallback runs.
  const script = init.replaceAll('/.debstep/busybox', 'busybox').replace(/^busybox mount.*$/m, '').replace('busybox poweroff -f', '').replace('of=/dev/port', `of=${join(dir, 'port')}`);
  const out = execFileSync('busybox', ['sh', '-c', script], { encoding: 'utf8' });
  assert.match(out, new RegExp(`^${PROBE_INIT_MARK}$`, 'm'));
  const port = await readFile(join(dir, 'port'));
  assert.equal(port.length, 245);
  assert.equal(port[244], 0x10, 'one byte, 0x10, at offset 0xf4');
});

const run = (r: Partial<Parameters<typeof probeOutcome>[0]>) => probeOutcome({ exitStatus: null, signal: null, timedOut: false, lines: [], ms: 900, ...r }, '/boot/vmlinuz-6.1', 8000);

test('a probe run reads as works, broken (kept) or inconclusive (not kept)', () => {
  assert.deepEqual(run({ exitStatus: 33 }), { verdict: 'works', detail: 'the kernel /boot/vmlinuz-6.1 reached its init under KVM in 0.9 s' });
  assert.equal(run({ exitStatus: 0, lines: [PROBE_INIT_MARK, 'debstep-probe: FATAL: …'] }).verdict, 'works', 'init was reached: KVM ran the kernel');
  assert.deepEqual(run({ timedOut: true, signal: 'SIGKILL', ms: 8000 }), { verdict: 'broken', detail: 'the kernel /boot/vmlinuz-6.1 did not reach its init within 8 s under KVM: it hangs' });
  const msr = run({ signal: 'SIGABRT', lines: ['qemu-system-x86_64: error: failed to set MSR 0x10a to 0x20000c04', "qemu-system-x86_64: ../target/i386/kvm/kvm.c:3170: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed."] });
  assert.deepEqual(msr, { verdict: 'broken', detail: 'QEMU could not run the kernel /boot/vmlinuz-6.1 under KVM: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x20000c04' });
  assert.equal(run({ exitStatus: 1, lines: ["qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory"] }).verdict, 'inconclusive', 'not a KVM problem');
  assert.equal(run({ exitStatus: 0, lines: ['qemu-system-x86_64: terminating on signal 2'] }).verdict, 'inconclusive', '^C');
  assert.equal(run({ signal: 'SIGTERM' }).verdict, 'inconclusive');
});

/** A host with a /dev/kvm, a QEMU and a kernel (plain files), whose probe is `probe`. */
async function fakeHost(dir: string, probe: KvmHost['probe'], bootId = 'boot-1'): Promise<KvmHost> {
  for (const f of ['kvm', 'vmlinuz', 'qemu']) await writeFile(join(dir, f), f).catch(() => {});
  return {
    device: join(dir, 'kvm'),
    qemu: async () => join(dir, 'qemu'),
    kernel: async () => ({ image: join(dir, 'vmlinuz'), modulesDir: dir, release: '6.1', reason: 'test' }),
    bootId: async () => bootId,
    probe,
  };
}

const counting = (outcome: ProbeOutcome) => {
  const calls: string[] = [];
  const probe: KvmHost['probe'] = async (qemu, kernel) => (calls.push(`${qemu} ${kernel}`), { ...outcome, ms: 8000 });
  return { calls, probe };
};

const HANGS: ProbeOutcome = { verdict: 'broken', detail: 'the kernel k did not reach its init within 8 s under KVM: it hangs' };

test("an answer is kept per kernel, QEMU and host boot; a kept one is read, not probed again", async (t) => {
  const dir = await tempDir(t);
  const cacheDir = join(dir, 'cache');
  const { calls, probe } = counting(HANGS);
  const host = await fakeHost(dir, probe);
  const probing: string[] = [];
  const first = await kvmVerdict({ cacheDir, onProbe: (m) => probing.push(m) }, host);
  assert.deepEqual([first.works, first.detail, calls.length], [false, HANGS.detail, 1]);
  assert.match(probing[0] ?? '', /booting .*vmlinuz under KVM to its init \(8 s at most/);
  assert.ok(first.savedIn && (await readFile(first.savedIn, 'utf8')).includes('boot-1'));
  assert.deepEqual(await kvmVerdict({ cacheDir }, host), first, 'the same process asks once');
  assert.equal(calls.length, 1);

  const key = await probeKey(join(dir, 'vmlinuz'), join(dir, 'qemu'), async () => 'boot-1');
  assert.deepEqual(await readAnswer(cacheDir, key), { works: false, detail: HANGS.detail });
  for (const other of [
    await probeKey(join(dir, 'vmlinuz'), join(dir, 'qemu'), async () => 'boot-2'),
    { ...key, kernel: { ...key.kernel, mtimeMs: key.kernel.mtimeMs + 1 } },
    { ...key, kernel: { ...key.kernel, path: '/boot/other' } },
    { ...key, qemu: { ...key.qemu, size: key.qemu.size + 1 } },
  ]) {
    assert.notEqual(answerFile(cacheDir, other), answerFile(cacheDir, key));
    assert.equal(await readAnswer(cacheDir, other), undefined);
  }

  // As the next build would see it (another process): from the file, no probe.
  const again = join(dir, 'again');
  await writeAnswer(again, key, { works: true, detail: 'the kernel k reached its init under KVM in 0.7 s' });
  const mustNotProbe: KvmHost['probe'] = async () => assert.fail('probed although an answer is kept');
  const kept = await kvmVerdict({ cacheDir: again }, { ...host, probe: mustNotProbe });
  assert.deepEqual(kept, { works: true, detail: 'the kernel k reached its init under KVM in 0.7 s', keptIn: answerFile(again, key) });
  assert.equal(await kvmProblem({ cacheDir: again }, { ...host, probe: mustNotProbe }), undefined);

  // After a reboot the kept answer is stale: probed again, and the old boot's file goes.
  const rebooted = await fakeHost(dir, probe, 'boot-2');
  await kvmVerdict({ cacheDir: again }, rebooted);
  assert.equal(calls.length, 2);
  assert.deepEqual((await readdir(again)).filter((f) => f.startsWith('kvm-probe-')).length, 1, "the earlier boot's answer is dropped");
  // A changed kernel image is probed again too.
  await utimes(join(dir, 'vmlinuz'), new Date(), new Date(Date.now() + 5000));
  await kvmVerdict({ cacheDir: again }, rebooted);
  assert.equal(calls.length, 3);
});

test('a probe that says nothing about KVM is not kept: the next build asks again', async (t) => {
  const dir = await tempDir(t);
  for (const [name, probe] of [
    ['interrupted', counting({ verdict: 'inconclusive', detail: 'the KVM probe was interrupted (QEMU got SIGINT)' }).probe],
    ['busybox missing', (async () => {
      throw new HostError('the VM needs busybox for its initramfs, and there is none on this host');
    }) as KvmHost['probe']],
  ] as const) {
    const cacheDir = join(dir, name);
    const v = await kvmVerdict({ cacheDir }, await fakeHost(dir, probe));
    assert.equal(v.works, false, `${name}: KVM is not used this time`);
    assert.equal(v.savedIn, undefined, name);
    assert.deepEqual(await readdir(cacheDir).catch(() => []), [], `${name}: nothing kept`);
  }
  const v = await kvmVerdict({ cacheDir: join(dir, 'busybox missing', 'x') }, await fakeHost(dir, async () => {
    throw new HostError('the VM needs busybox for its initramfs, and there is none on this host');
  }));
  assert.match(v.detail, /^cannot check KVM: the VM needs busybox/);
  // No /dev/kvm: said at once, nothing probed or kept.
  const { calls, probe } = counting(HANGS);
  const none = await kvmVerdict({ cacheDir: join(dir, 'none') }, { ...(await fakeHost(dir, probe)), device: join(dir, 'no-kvm') });
  assert.deepEqual([none.works, calls.length], [false, 0]);
  assert.match(none.detail, /no-kvm does not exist/);
});

test("a VM that KVM could not run is kept as KVM's failure, for this process and the next build", async (t) => {
  const dir = await tempDir(t);
  const cacheDir = join(dir, 'cache');
  const { calls, probe } = counting({ verdict: 'works', detail: 'the kernel k reached its init under KVM in 0.7 s' });
  const host = await fakeHost(dir, probe);
  assert.equal(await kvmProblem({ cacheDir }, host), undefined);
  await recordKvmFailure(cacheDir, join(dir, 'vmlinuz'), join(dir, 'qemu'), 'a VM under KVM booting k did not get ready within 10 s (its console printed nothing)', host.bootId);
  assert.match((await kvmProblem({ cacheDir }, host)) ?? '', /^a VM under KVM booting k did not get ready within 10 s/);
  const key = await probeKey(join(dir, 'vmlinuz'), join(dir, 'qemu'), host.bootId);
  assert.equal((await readAnswer(cacheDir, key))?.works, false);
  assert.equal(calls.length, 1, 'not probed again');
});

test('decisions from the one check: the VM falls back to TCG, -b kvm fails with the hint, auto as root takes the host', async () => {
  const hangs = async () => HANGS.detail;
  const tcg = await decideAccel('auto', hangs);
  assert.equal(tcg.accel, 'tcg');
  assert.match(tcg.reason, /because KVM does not work: the kernel k did not reach its init within 8 s under KVM: it hangs/);
  await assert.rejects(decideAccel('kvm', hangs), (err: HostError) => err instanceof HostError && err.exitCode === 1 && /it hangs/.test(err.message) && /-b qemu/.test(err.hint ?? ''));
  const auto = await chooseBackend({ backend: 'auto', accel: 'auto' }, { mayMount: true, kvmProblem: hangs });
  assert.equal(auto.backend, 'host');
  assert.match(auto.reason, /^KVM does not work \(the kernel k did not reach its init within 8 s under KVM: it hangs\); running as root: chroot on the host$/);
});
