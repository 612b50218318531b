// Guests that cannot come up, or die later, are reported as they stop, with their own
// last words, and leave no QEMU behind: never a hang, never "result file not found". The
// messages tell a guest that stopped from a bound that ran out, which a wall clock on a
// loaded machine cannot.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, test } from 'node:test';
import { chooseKernel } from '../../src/vm/qemu/kernel.js';
import type { QemuMachineOptions } from '../../src/vm/qemu/qemu-machine.js';
import { startQemuMachine } from '../../src/vm/qemu/prepared-vm.js';
import { VmFailure } from '../../src/vm/qemu/vm-failure.js';
import { type VmWorkspace, assertNoQemuLeft, treeWithBrokenModule, vmWorkspace } from './vm-helpers.js';

const kernel = await chooseKernel({});
const workspaces: VmWorkspace[] = [];

after(async () => {
  for (const ws of workspaces) {
    assertNoQemuLeft(ws);
    await rm(ws.dir, { recursive: true, force: true });
  }
});

async function options(extra: Partial<QemuMachineOptions> = {}): Promise<QemuMachineOptions> {
  const ws = await vmWorkspace();
  workspaces.push(ws);
  return { rootDir: ws.rootDir, layersDir: ws.layersDir, shares: [ws.dir], accel: 'tcg', ...extra };
}

/** Starts a machine that must fail; returns the error. */
async function failingStart(opts: QemuMachineOptions): Promise<VmFailure> {
  const err = await startQemuMachine(opts).then(
    async (vm) => {
      await vm.close();
      assert.fail('the VM started');
    },
    (e: unknown) => e,
  );
  assert.ok(err instanceof VmFailure, String(err));
  return err;
}

test('a guest that cannot load 9p, and so cannot mount the host, is reported at once with the reason', async (t) => {
  const modules = await treeWithBrokenModule(kernel, '9p');
  t.after(() => rm(dirname(modules), { recursive: true, force: true }));
  const err = await failingStart(await options({ kernel: kernel.image, modules }));
  assert.match(err.message, /^the VM stopped before its agent was ready \(QEMU exit status 0\): cannot load kernel module 9p: .*invalid module format/);
  assert.match(err.message, /last console lines:\n(.*\n)*.*debstep-init: .*loaded module 9pnet_virtio/);
});

test('a kernel that cannot mount its root panics, and the panic is the reason given', async () => {
  const err = await failingStart(await options({ kernelArgs: ['rdinit=/no-such-init'] }));
  assert.match(err.message, /^the VM stopped before its agent was ready \(QEMU exit status \d+\)/);
  assert.match(err.message, /Kernel panic - not syncing/);
});

test('a guest that does not get ready in time is stopped and reported with what it printed', async () => {
  const err = await failingStart(await options({ bootTimeoutMs: 1500 }));
  assert.match(err.message, /did not get ready within 1\.5 s/);
});

test('a guest that dies under a running command fails that command with the reason, not a hang', async () => {
  const vm = await startQemuMachine(await options());
  try {
    const running = vm.exec({ argv: ['sh', '-c', 'echo going; sleep 1; echo b > /proc/sysrq-trigger; sleep 60'], chroot: false, label: 'crash' }, () => {});
    // Stopped, not the watchdog's "stopped responding" after 45 s of silence.
    await assert.rejects(running, (err: VmFailure) => err instanceof VmFailure && /the VM stopped unexpectedly/.test(err.message));
    await assert.rejects(vm.files.exists('/etc'), VmFailure, 'later requests fail the same way');
  } finally {
    await vm.close();
  }
});
