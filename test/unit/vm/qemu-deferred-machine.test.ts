import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Bootable, DeferredVm } from '../../../src/vm/qemu/deferred-machine.js';
import { createExt4Image } from '../../../src/vm/qemu/disk-image.js';
import type { QemuMachine } from '../../../src/vm/qemu/qemu-machine.js';
import { StoreList } from '../../../src/vm/qemu/store-list.js';

/** A prepared VM whose boot is a fake machine that records what it is asked. */
function fakeBoot(fail: { create?: string; mountRoot?: boolean; boot?: boolean } = {}) {
  const calls: string[] = [];
  const store = {
    dir: '/store',
    create: async (id: string) => {
      calls.push(`create ${id}`);
      if (fail.create === id) throw new Error(`cannot create layer ${id}: No space left on device`);
    },
    has: async (id: string) => (calls.push(`has ${id}`), id === 'in-guest'),
    list: async () => (calls.push('list'), [{ id: 'in-guest', mtimeMs: 0 }]),
    remove: async (ids: readonly string[]) => void calls.push(`remove ${ids.join(',')}`),
    seal: async (id: string) => void calls.push(`seal ${id}`),
  };
  const machine = {
    reason: 'a QEMU VM with TCG, booting 6.1',
    layerStore: store,
    exec: async () => (calls.push('exec'), { exitStatus: 0, signal: null, durationMs: 1, outputTail: [] }),
    mountRoot: async () => {
      calls.push('mountRoot');
      if (fail.mountRoot) throw new Error('mount -t overlay failed');
    },
    close: async () => void calls.push('close'),
  } as unknown as QemuMachine;
  let launches = 0;
  const prepared: Bootable = {
    reason: 'a QEMU VM with TCG, booting 6.1',
    storeDir: '/store',
    launch: async () => {
      launches++;
      if (fail.boot) throw new Error('the guest did not start');
      return machine;
    },
    discard: () => void calls.push('discard'),
  };
  return { calls, prepared, launches: () => launches };
}

async function storeImage(t: { after: (fn: () => Promise<void>) => void }, listed?: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-deferred-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const image = join(dir, 'store.img');
  await createExt4Image(image, 32 * 2 ** 20, 'debstep-store');
  if (listed) await new StoreList(image).replace(listed.map((id) => ({ id, mtimeMs: 0 })));
  return image;
}

test('a build whose layers all come from the cache never boots the VM', async (t) => {
  const f = fakeBoot();
  const said: string[] = [];
  const vm = new DeferredVm(f.prepared, '/root', await storeImage(t, ['a', 'b']), (s, m) => said.push(`${s}: ${m}`));
  assert.match(vm.reason, /^a QEMU VM with TCG, booting 6\.1, started when an action first needs it$/);
  assert.equal(await vm.layerStore!.has('a'), true);
  assert.equal(await vm.layerStore!.has('zz'), false);
  assert.deepEqual((await vm.layerStore!.list()).map((l) => l.id), ['a', 'b'], 'pruning sees what the host knows');
  await vm.layerStore!.remove(['a']);
  await vm.mountRoot(undefined);
  await vm.dropLayers('/layers', []);
  await vm.close();
  assert.equal(f.launches(), 0);
  assert.deepEqual(f.calls, ['discard'], 'closing lets go of the prepared VM');
  assert.deepEqual(said, []);
});

test('the first command boots the VM once, and then the guest answers', async (t) => {
  const f = fakeBoot();
  const said: string[] = [];
  const vm = new DeferredVm(f.prepared, '/root', await storeImage(t, ['a']), (s, m) => said.push(`${s}: ${m}`));
  const req = { argv: ['true'], chroot: false, label: 'x' };
  await Promise.all([vm.exec(req, () => {}), vm.exec(req, () => {})]);
  assert.equal(f.launches(), 1, 'two commands at once share one boot');
  assert.deepEqual(said, ['vm: starting a QEMU VM with TCG, booting 6.1']);
  assert.equal(vm.reason, 'a QEMU VM with TCG, booting 6.1');
  assert.equal(await vm.layerStore!.has('a'), false, 'once booted, the guest says what the store has');
  await vm.layerStore!.remove(['a']);
  await vm.close();
  assert.deepEqual(f.calls, ['exec', 'exec', 'has a', 'remove a', 'close']);
});

test('without a list for the store disk, asking for a layer boots the VM', async (t) => {
  const f = fakeBoot();
  const vm = new DeferredVm(f.prepared, '/root', await storeImage(t), () => {});
  assert.deepEqual(await vm.layerStore!.list(), [], 'pruning does not boot a VM');
  assert.equal(f.launches(), 0);
  assert.equal(await vm.layerStore!.has('in-guest'), true);
  assert.equal(f.launches(), 1);
  await vm.close();
});

test("an action's store layer and root mount start the boot without waiting for it; the next command waits for all", async (t) => {
  const f = fakeBoot();
  let finishBoot = () => {};
  const launch = f.prepared.launch;
  const slow: Bootable = { ...f.prepared, launch: () => new Promise((done) => (finishBoot = () => void launch().then(done))) };
  const vm = new DeferredVm(slow, '/root', await storeImage(t, []), () => {});
  await vm.layerStore!.create('new');
  await vm.mountRoot({ dir: '/layers', upper: 'u', work: 'w', lowers: [] });
  assert.deepEqual(f.calls, [], 'create and mountRoot returned while the VM boots');
  const running = vm.exec({ argv: ['true'], chroot: true, label: 'x' }, () => {});
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(f.calls, [], 'the command waits for the boot');
  finishBoot();
  await running;
  assert.deepEqual(f.calls, ['create new', 'mountRoot', 'exec'], 'the layer is made and the root mounted before the command runs');
  await vm.close();
});

test('a VM that fails to boot fails the command that needed it, not the steps queued before', async (t) => {
  const f = fakeBoot();
  const failing: Bootable = { ...f.prepared, launch: async () => Promise.reject(new Error('KVM was requested, but the VM under KVM printed nothing')) };
  const vm = new DeferredVm(failing, '/root', await storeImage(t, []), () => {});
  await vm.layerStore!.create('new');
  await vm.mountRoot({ dir: '/layers', upper: 'u', work: 'w', lowers: [] });
  await assert.rejects(vm.exec({ argv: ['true'], chroot: true, label: 'x' }, () => {}), /KVM was requested/);
  await vm.close();
  assert.deepEqual(f.calls, []);
});

test('a queued operation that fails is not lost: the next call that needs the guest throws it, and what was queued after it is not done', async (t) => {
  const f = fakeBoot({ create: 'L1' });
  const vm = new DeferredVm(f.prepared, '/root', await storeImage(t, []), () => {});
  await vm.layerStore!.create('L1');
  await vm.mountRoot({ dir: '/layers', upper: 'L1', work: 'L1.work', lowers: ['base'] });
  const req = { argv: ['true'], chroot: true, label: 'x' };
  await assert.rejects(vm.exec(req, () => {}), /cannot create layer L1: No space left on device/);
  assert.deepEqual(f.calls, ['create L1'], 'the root was not mounted over a layer that is not there, nor the command run');
  // Reported once: the guest is usable again (a retry, the cleanups).
  await vm.exec(req, () => {});
  await vm.close();
  assert.deepEqual(f.calls, ['create L1', 'exec', 'close']);
});

test('a queued failure that no call reported is thrown by close, after the VM is closed', async (t) => {
  const f = fakeBoot({ mountRoot: true });
  const vm = new DeferredVm(f.prepared, '/root', await storeImage(t, []), () => {});
  await vm.mountRoot({ dir: '/layers', upper: 'L1', work: 'L1.work', lowers: ['base'] });
  await assert.rejects(vm.close(), /mount -t overlay failed/);
  assert.deepEqual(f.calls, ['mountRoot', 'close']);
});

test('a boot that fails is thrown once, by the call that needs the guest, not again by close', async (t) => {
  const f = fakeBoot({ boot: true });
  const vm = new DeferredVm(f.prepared, '/root', await storeImage(t, []), () => {});
  await vm.layerStore!.create('L1');
  await assert.rejects(vm.exec({ argv: ['true'], chroot: false, label: 'x' }, () => {}), /the guest did not start/);
  await vm.close();
  assert.deepEqual(f.calls, []);
});
