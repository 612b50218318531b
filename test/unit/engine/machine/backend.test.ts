import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendRequest, chooseBackend } from '../../../../src/engine/machine/backend.js';
import { buildEnvironment } from '../../../../src/engine/machine/environ.js';
import { UsageError } from '../../../../src/core/errors.js';
import { effectiveCaps, mayMountFrom } from '../../../../src/vm/host/privilege.js';

const base = { disableFakemachine: false };

test("debos's flags map onto backends; contradictions are usage errors", () => {
  assert.deepEqual(backendRequest(base), { backend: 'auto', accel: 'auto' });
  assert.deepEqual(backendRequest({ ...base, disableFakemachine: true }), { backend: 'host', accel: 'auto' });
  assert.deepEqual(backendRequest({ ...base, fakemachineBackend: 'qemu' }), { backend: 'vm', accel: 'tcg' });
  assert.deepEqual(backendRequest({ ...base, fakemachineBackend: 'kvm' }), { backend: 'vm', accel: 'kvm' });
  assert.deepEqual(backendRequest({ ...base, backend: 'vm' }), { backend: 'vm', accel: 'auto' });
  assert.throws(() => backendRequest({ disableFakemachine: true, fakemachineBackend: 'qemu' }), UsageError);
  assert.throws(() => backendRequest({ disableFakemachine: true, backend: 'vm' }), UsageError);
  assert.throws(() => backendRequest({ ...base, backend: 'host', fakemachineBackend: 'kvm' }), UsageError);
});

test('auto: the VM with working KVM, else the host as root, else the VM under TCG; always with a reason', async () => {
  const auto = { backend: 'auto', accel: 'auto' } as const;
  const works = async () => undefined;
  const broken = async () => 'failed to set MSR';
  assert.deepEqual(await chooseBackend(auto, { mayMount: true, kvmProblem: works }), { backend: 'vm', accel: 'kvm', reason: 'KVM works: a VM with KVM' });
  const root = await chooseBackend(auto, { mayMount: true, kvmProblem: broken });
  assert.equal(root.backend, 'host');
  assert.match(root.reason, /KVM does not work \(failed to set MSR\); running as root/);
  const user = await chooseBackend(auto, { mayMount: false, kvmProblem: broken });
  assert.deepEqual([user.backend, user.accel], ['vm', 'tcg']);
  assert.match(user.reason, /not root with CAP_SYS_ADMIN: a VM under TCG/);
  let probed = false;
  await chooseBackend({ backend: 'host', accel: 'auto' }, { mayMount: true, kvmProblem: async () => ((probed = true), undefined) });
  assert.equal(probed, false, 'an explicit backend needs no probe');
});

test("a container's root without CAP_SYS_ADMIN cannot mount: auto gives it the VM under TCG, as an ordinary user", async () => {
  // CapEff lines as /proc/self/status shows them: full root, and docker's default set
  // (no CAP_SYS_ADMIN, bit 21).
  const fullRoot = 'Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n';
  const dockerRoot = 'Name:\tnode\nCapEff:\t00000000a80425fb\n';
  assert.equal(effectiveCaps(dockerRoot), 0xa80425fbn);
  assert.equal(mayMountFrom(0, fullRoot), true);
  assert.equal(mayMountFrom(0, dockerRoot), false);
  assert.equal(mayMountFrom(1000, fullRoot), false, 'capabilities of a user are not root');
  assert.equal(mayMountFrom(0, 'Name:\tnode\n'), true, 'no CapEff line: the uid decides');
  const auto = { backend: 'auto', accel: 'auto' } as const;
  const noKvm = async () => '/dev/kvm does not exist';
  const choice = await chooseBackend(auto, { mayMount: mayMountFrom(0, dockerRoot), kvmProblem: noKvm });
  assert.deepEqual([choice.backend, choice.accel], ['vm', 'tcg']);
  const privileged = await chooseBackend(auto, { mayMount: mayMountFrom(0, fullRoot), kvmProblem: noKvm });
  assert.equal(privileged.backend, 'host');
});

test('proxies in both spellings reach commands; -e adds, overrides and removes', () => {
  const env = buildEnvironment(['EXTRA:1', 'http_proxy:http://other:8080', 'NO_PROXY:', 'A:b:c'], {
    http_proxy: 'http://proxy:3128',
    HTTPS_PROXY: 'http://secure:3128',
    NO_PROXY: 'localhost',
    HOME: '/root',
  });
  assert.deepEqual(env, { http_proxy: 'http://other:8080', HTTPS_PROXY: 'http://secure:3128', EXTRA: '1', A: 'b:c' });
});
