// The small host-side decisions: binfmt handlers to copy, KVM or TCG, option sizes, and
// how a dead guest is explained.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostError, UsageError } from '../../../src/core/errors.js';
import { type KvmHost, kvmProblem } from '../../../src/vm/qemu/accel-probe.js';
import { type ProbeOutcome } from '../../../src/vm/qemu/kvm-probe-guest.js';
import { decideAccel } from '../../../src/vm/qemu/accel.js';
import { hostBinfmtRegistrations, registrationFor } from '../../../src/vm/qemu/binfmt-handlers.js';
import { diskBytes, memoryMb } from '../../../src/vm/qemu/options.js';
import { VmFailure, stopReason } from '../../../src/vm/qemu/vm-failure.js';

const AARCH64 = `enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: PF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`;

test('a host binfmt handler becomes the same registration in the guest', () => {
  assert.equal(
    registrationFor('qemu-aarch64', AARCH64),
    ':qemu-aarch64:M:0:\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:' +
      '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:PF',
  );
  assert.equal(registrationFor('x', AARCH64.replace('enabled', 'disabled')), undefined);
  assert.equal(registrationFor('jar', 'enabled\ninterpreter /usr/bin/jexec\nflags: \nextension .jar\n'), undefined);
});

test('handlers are read from a binfmt_misc directory, skipping status and register', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-binfmt-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'status'), 'enabled\n');
  await writeFile(join(dir, 'register'), '');
  await writeFile(join(dir, 'qemu-aarch64'), AARCH64);
  const lines = await hostBinfmtRegistrations(dir);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^:qemu-aarch64:M:0:/);
  assert.deepEqual(await hostBinfmtRegistrations(join(dir, 'absent')), []);
});

test('auto: KVM only when the probe guest runs; otherwise TCG with QEMU\'s reason', async () => {
  const works = async () => undefined;
  const fails = async () => 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69';
  assert.equal((await decideAccel('auto', works)).accel, 'kvm');
  const fallback = await decideAccel('auto', fails);
  assert.equal(fallback.accel, 'tcg');
  assert.match(fallback.reason, /TCG.*failed to set MSR 0x10a/);
  assert.equal((await decideAccel('tcg', works)).accel, 'tcg');
  await assert.rejects(decideAccel('kvm', fails), (err: HostError) => err instanceof HostError && /MSR/.test(err.message));
});

test("KVM's problem: a missing or inaccessible device, or the probe guest's own words", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-accel-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const f of ['kvm', 'vmlinuz', 'qemu']) await writeFile(join(dir, f), f);
  const host = (device: string, outcome: ProbeOutcome): KvmHost => ({
    device,
    qemu: async () => join(dir, 'qemu'),
    kernel: async () => ({ image: join(dir, 'vmlinuz'), modulesDir: dir, release: 'test', reason: 'test' }),
    bootId: async () => 'boot',
    probe: async () => ({ ...outcome, ms: 5 }),
  });
  const msr: ProbeOutcome = { verdict: 'broken', detail: 'failed to set MSR' };
  const cacheDir = join(dir, 'cache');
  assert.match((await kvmProblem({ cacheDir }, host(join(dir, 'none'), msr))) ?? '', /does not exist/);
  assert.equal(await kvmProblem({ cacheDir }, host(join(dir, 'kvm'), msr)), 'failed to set MSR');
  assert.equal(await kvmProblem({ cacheDir: join(dir, 'other') }, host(join(dir, 'kvm'), { verdict: 'works', detail: 'ran' })), undefined);
});

test('memory reads like debos (binary units); disk sizes decimal unless spelled GiB', () => {
  assert.equal(memoryMb(undefined), 2048);
  assert.equal(memoryMb('2Gb'), 2048);
  assert.equal(memoryMb('512MB'), 512);
  assert.equal(memoryMb(1024), 1024);
  assert.throws(() => memoryMb('2Gx'), UsageError);
  assert.throws(() => memoryMb('1MB'), /less than the 128MB a VM needs/);
  assert.equal(diskBytes('10G', 'scratch size'), 10_000_000_000);
  assert.equal(diskBytes('64GiB', 'layers size'), 64 * 1024 ** 3);
  assert.throws(() => diskBytes('lots', 'the scratch disk'), /invalid size for the scratch disk: "lots"/);
});

test('a dead guest is explained by its most telling console line', () => {
  const lines = ['[    1.2] Run /init as init process', 'debstep-init: [1.3] loaded module virtio', "debstep-init: FATAL: cannot mount the host's / at /.debstep/host over 9p: mount: mounting host on /.debstep/host failed: No such device", '[    1.9] reboot: Power down'];
  assert.match(stopReason(lines)!, /^cannot mount the host's \/ .*No such device$/);
  assert.equal(stopReason(['[ 2.0] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)']), 'Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)');
  assert.equal(stopReason(['qemu-system-x86_64: -drive file=/x: Could not open']), '-drive file=/x: Could not open');
  assert.equal(stopReason(['nothing to see']), undefined);
  const err = new VmFailure('the VM stopped before its agent was ready', lines);
  assert.match(err.message, /^the VM stopped before its agent was ready: cannot mount/);
  assert.match(err.message, /last console lines:\n {2}\| \[ {4}1\.2\] Run \/init/);
  assert.deepEqual(err.consoleTail, lines);
});
