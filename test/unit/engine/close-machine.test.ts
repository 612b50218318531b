// A machine that fails to close is never dropped silently: its disk images are finished
// only once it has let go of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeMachine } from '../../../src/engine/build.js';
import type { BuildOutcome } from '../../../src/engine/run/runner.js';

const failing = (backend: 'host' | 'vm') => ({ backend, close: async () => Promise.reject(new Error('umount: target is busy')) });
const success: BuildOutcome = { status: 'success', tainted: false, skipped: [] };

test('a close that fails fails a build that had succeeded, and says what failed', async () => {
  const warnings: string[] = [];
  const outcome = await closeMachine(failing('vm'), success, (m) => warnings.push(m));
  assert.equal(outcome.status, 'failed');
  assert.equal(outcome.error?.message, 'could not close the VM: umount: target is busy; the artifacts may be unfinished');
  assert.deepEqual(warnings, []);
});

test('after a failure, a close that fails is a warning and the build keeps its own error', async () => {
  const warnings: string[] = [];
  const failed: BuildOutcome = { status: 'failed', error: new Error('the action failed'), tainted: false, skipped: [] };
  const outcome = await closeMachine(failing('host'), failed, (m) => warnings.push(m));
  assert.equal(outcome, failed);
  assert.deepEqual(warnings, ['could not close the build root: umount: target is busy']);
});

test('a close that works, or no machine, changes nothing', async () => {
  let closed = 0;
  assert.equal(await closeMachine({ backend: 'host', close: async () => void closed++ }, success, assert.fail), success);
  assert.equal(await closeMachine(undefined, success, assert.fail), success);
  assert.equal(closed, 1);
});
