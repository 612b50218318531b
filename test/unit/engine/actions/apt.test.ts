import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apt } from '../../../../src/engine/actions/apt.js';
import { params } from './check.js';
import { runAction, tempDir } from './run-action.js';

const install = async (t: Parameters<typeof tempDir>[0], offload: boolean, props: Record<string, unknown> = {}) =>
  (await runAction(await tempDir(t), apt, params({ action: 'apt', packages: ['sudo', 'less'], ...props }), { offload })).inMachine;

const APT_GET = ['apt-get', '-o=quiet::NoUpdate=1', '-o=Dpkg::Progress-Fancy=0'];

test('apt updates, installs without recommends and cleans, as debos does', async (t) => {
  assert.deepEqual(await install(t, false), [
    [...APT_GET, 'update'],
    [...APT_GET, 'install', '--yes', '--no-install-recommends', 'sudo', 'less'],
    [...APT_GET, 'clean'],
  ]);
  assert.deepEqual((await install(t, false, { update: 'false', recommends: 'true', unauthenticated: 'true' }))[0], [...APT_GET, 'install', '--yes', '--allow-unauthenticated', 'sudo', 'less']);
});

test('in a VM apt fetches the gzip indexes, which it decompresses faster under emulation', async (t) => {
  assert.deepEqual((await install(t, true))[0], [...APT_GET, '-o=Acquire::CompressionTypes::Order::=gz', 'update']);
});
