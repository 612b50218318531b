import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelCommandLine } from '../../../src/vm/qemu/boot-setup.js';

test('a TCG guest runs without address space randomisation (translated code is found again across execs)', () => {
  assert.ok(kernelCommandLine('tcg', false).includes('norandmaps'));
  // Under KVM it buys nothing: the guest keeps the kernel's default.
  assert.ok(!kernelCommandLine('kvm', false).includes('norandmaps'));
});

test('the console, the boot speedups, the verbosity and the extra arguments, in that order', () => {
  const line = kernelCommandLine('tcg', false, ['foo=1']);
  assert.deepEqual(line.slice(0, 2), ['console=ttyS0', 'panic=-1']);
  assert.ok(line.includes('pci=noacpi'));
  assert.deepEqual(line.slice(-2), ['quiet', 'foo=1']);
  assert.equal(kernelCommandLine('kvm', true).at(-1), 'loglevel=7');
});
