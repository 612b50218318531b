import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debootstrap } from '../../../src/engine/actions/debootstrap.js';
import { params } from './check.js';
import { runAction, tempDir } from './run-action.js';

const bootstrap = async (t: Parameters<typeof tempDir>[0], offload: boolean, arch = 'amd64') =>
  runAction(await tempDir(t), debootstrap, params({ action: 'debootstrap', suite: 'bookworm', variant: 'minbase' }), { offload, arch });

test('on the host backend debootstrap fetches and runs its first stage, then its second in the root', async (t) => {
  const { outside, inMachine } = await bootstrap(t, false);
  assert.deepEqual(outside, []);
  assert.equal(inMachine[0]![0], 'debootstrap');
  assert.ok(!inMachine[0]!.some((a) => /tarball/.test(a)) && inMachine[0]!.includes('--foreign'));
  assert.equal(inMachine[0]!.at(-3), '/fake-root');
  assert.deepEqual(inMachine[1]!.slice(0, 4), ['chroot', '/fake-root', '/debootstrap/debootstrap', '--no-check-gpg']);
  assert.ok(inMachine[1]!.includes('--second-stage'));
});

test('in a VM the packages are fetched outside it into a tarball, which the VM installs from', async (t) => {
  const { outside, inMachine, events } = await bootstrap(t, true);
  assert.equal(outside.length, 2);
  const make = outside[0]!.find((a) => a.startsWith('--make-tarball='))!.slice('--make-tarball='.length);
  assert.ok(make, 'fetched into a tarball');
  assert.deepEqual(outside[1]!.slice(-2), [make, make.replace(/\.gz$/, '')], 'and decompressed outside');
  assert.notEqual(outside[0]!.at(-3), '/fake-root', 'into a target of its own, not the root');
  assert.ok(outside[0]!.includes('--variant=minbase') && outside[0]!.includes('--merged-usr'), 'the same package choice');
  assert.deepEqual(inMachine[0]!.filter((a) => a.startsWith('--unpack-tarball=')), [`--unpack-tarball=${make.replace(/\.gz$/, '')}`]);
  assert.equal(inMachine[0]!.at(-3), '/fake-root');
  const command = events.find((e) => e.type === 'command' && e.label === 'debootstrap (fetch)');
  assert.equal(command?.type === 'command' && command.outside, true, 'the log says where it ran');
});

test('a foreign root in a VM: fetched for its architecture, then a first stage only', async (t) => {
  const { outside, inMachine } = await bootstrap(t, true, 'arm64');
  assert.ok(outside[0]!.includes('--arch=arm64') && !outside[0]!.includes('--foreign'), '--foreign and --make-tarball are two first stages');
  assert.ok(inMachine[0]!.includes('--foreign') && inMachine[0]!.includes('--arch=arm64'));
});
