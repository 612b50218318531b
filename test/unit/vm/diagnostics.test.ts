// doctor's state directory checks on a fresh machine, where the directory does not exist yet.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkOverlay } from '../../../src/vm/diagnostics.js';

test('overlayfs is checked for real in a state directory that does not exist yet', { skip: process.getuid?.() !== 0 && 'needs root' }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-doctor-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const state = join(dir, 'var', 'lib', 'debstep');
  const c = await checkOverlay(state);
  assert.equal(c.severity, 'ok', c.detail);
  assert.match(c.detail, /can hold overlayfs layers/);
  assert.ok((await stat(state)).isDirectory(), 'made, as the first build would');
  assert.deepEqual(await readdir(state), [], 'the check leaves nothing behind');
});
