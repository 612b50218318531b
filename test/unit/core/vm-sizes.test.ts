import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../../src/core/errors.js';
import { cpuCount, diskBytes, memoryMb, VM_BOUNDS, vmSizes } from '../../../src/core/vm-sizes.js';

test('memory: binary units as debos reads --memory, megabytes as a number, at least the bound', () => {
  assert.equal(memoryMb('2Gb'), 2048);
  assert.equal(memoryMb('128MB'), VM_BOUNDS.minMemoryMb);
  assert.equal(memoryMb(512), 512);
  assert.throws(() => memoryMb('64MB'), /^UsageError: invalid size for --memory: "64MB" is less than the 128MB a VM needs$/);
  assert.throws(() => memoryMb('127MB'), UsageError);
  assert.throws(() => memoryMb(64), /less than the 128MB/, 'a number is bounded too');
  assert.throws(() => memoryMb('lots'), /^UsageError: invalid size for --memory: "lots"$/);
});

test('disk sizes: decimal unless spelled GiB, bytes as a number, at least the bound', () => {
  assert.equal(diskBytes('10G', '--scratchsize'), 10_000_000_000);
  assert.equal(diskBytes('16MiB', '--scratchsize'), VM_BOUNDS.minDiskBytes);
  assert.throws(() => diskBytes('16MB', '--scratchsize'), /^UsageError: invalid size for --scratchsize: "16MB" is less than the 16MB a disk needs$/, '16MB is decimal: under 16MiB');
  assert.throws(() => diskBytes(4096, 'the layers disk'), /the layers disk: "4096" is less than/);
  assert.throws(() => diskBytes('big', '--scratchsize'), /^UsageError: invalid size for --scratchsize: "big"$/);
});

test('CPUs: a whole number from 1 to the bound', () => {
  assert.equal(cpuCount('4'), 4);
  assert.equal(cpuCount(VM_BOUNDS.maxCpus), 255);
  for (const bad of ['0', '-1', '1.5', 'two', '']) assert.throws(() => cpuCount(bad), /^UsageError: invalid number for --cpus: /, bad);
  assert.throws(() => cpuCount('256'), /more than the 255 CPUs/);
});

test('vmSizes reads what the command line gives, and only that', () => {
  assert.deepEqual(vmSizes({}), {});
  assert.deepEqual(vmSizes({ memory: '1GB', cpus: '3', scratchSize: '2G' }), { memoryMb: 1024, cpus: 3, scratchBytes: 2_000_000_000 });
  assert.throws(() => vmSizes({ memory: '64MB' }), UsageError);
  assert.throws(() => vmSizes({ scratchSize: '1k' }), /--scratchsize/);
});
