import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backendRequest, chooseBackend } from '../../../src/engine/backend.js';
import { buildEnvironment } from '../../../src/engine/environ.js';
import { UsageError } from '../../../src/engine/errors.js';

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
  assert.deepEqual(await chooseBackend(auto, { isRoot: true, kvmProblem: works }), { backend: 'vm', accel: 'kvm', reason: 'KVM works: a VM with KVM' });
  const root = await chooseBackend(auto, { isRoot: true, kvmProblem: broken });
  assert.equal(root.backend, 'host');
  assert.match(root.reason, /KVM does not work \(failed to set MSR\); running as root/);
  const user = await chooseBackend(auto, { isRoot: false, kvmProblem: broken });
  assert.deepEqual([user.backend, user.accel], ['vm', 'tcg']);
  assert.match(user.reason, /not root: a VM under TCG/);
  let probed = false;
  await chooseBackend({ backend: 'host', accel: 'auto' }, { isRoot: true, kvmProblem: async () => ((probed = true), undefined) });
  assert.equal(probed, false, 'an explicit backend needs no probe');
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
