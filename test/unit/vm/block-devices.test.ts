// The pure parts of finding an image's devices: partition node names and device numbers.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { makedev, partitionNode } from '../../../src/vm/host/block-devices.js';

test('partition nodes: p before the number after a digit, as the kernel names them', () => {
  assert.equal(partitionNode('/dev/loop0', 1), '/dev/loop0p1');
  assert.equal(partitionNode('/dev/nvme0n1', 12), '/dev/nvme0n1p12');
  assert.equal(partitionNode('/dev/vdb', 5), '/dev/vdb5');
});

test('makedev gives what stat reports as rdev, also for large minors', () => {
  assert.equal(makedev('1:3'), statSync('/dev/null').rdev);
  assert.equal(makedev('7:0'), 0x700);
  assert.equal(makedev('259:0'), 259 * 256);
  // glibc: minor bits above the first eight go to bits 20 and up.
  assert.equal(makedev('259:300'), (300 & 0xff) | (259 << 8) | ((300 >> 8) << 20));
});
