import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Workspace } from '../../../../src/engine/workspace/workspace.js';

async function kept(t: { after: (fn: () => Promise<void>) => void }, layers: string[], frozen: string[]): Promise<string> {
  const stateDir = await mkdtemp(join(tmpdir(), 'debstep-ws-'));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  await mkdir(join(stateDir, 'builds', 'b'), { recursive: true });
  const state = { recipe: 'r.yaml', architecture: 'amd64', layers, frozen, status: 'aborted', backend: 'host' };
  await writeFile(join(stateDir, 'builds', 'b', 'state.json'), JSON.stringify(state));
  return stateDir;
}

test('a kept workspace whose top layer is open mounts as it is', async (t) => {
  const { ws } = await Workspace.open(await kept(t, ['L001', 'O001-1'], ['L001']), 'b');
  const layers = ws.current();
  assert.equal(layers?.upper, 'O001-1');
  assert.deepEqual(layers?.lowers, ['L001', 'base']);
});

test('a kept workspace whose top layer is frozen gets a new open layer, named after the action and never reused', async (t) => {
  const { ws } = await Workspace.open(await kept(t, ['L001', 'O001-1', 'L002'], ['L001', 'L002']), 'b');
  const layers = ws.current();
  assert.equal(layers?.upper, 'O002-2');
  assert.deepEqual(layers?.lowers, ['L002', 'O001-1', 'L001', 'base']);
});
