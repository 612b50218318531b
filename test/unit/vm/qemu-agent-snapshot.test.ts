import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AGENT_NODE_FLAGS } from '../../../src/vm/qemu/agent-launch.js';
import { agentSnapshot } from '../../../src/vm/qemu/agent-snapshot.js';
import { TCG_CPU } from '../../../src/vm/qemu/qemu-argv.js';
import { which } from '../../../src/util/which.js';

const emulator = await which('qemu-x86_64-static');
const skip = process.arch !== 'x64' ? 'x86_64 hosts only' : emulator ? false : 'qemu-user-static is not installed';

/** A program in the agent's shape: loaded into the snapshot, started from it with node's first argument. */
const program = (greeting: string) => `
const { startupSnapshot } = require('node:v8');
const greet = (who) => console.log('${greeting} ' + who);
if (startupSnapshot.isBuildingSnapshot()) startupSnapshot.setDeserializeMainFunction(() => greet(process.argv[1]));
else greet(process.argv[2]);
`;

test('the snapshot is made once under the guest CPU model, starts the program, and is replaced when the program changes', { skip }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-snapshot-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = join(dir, 'agent.cjs');
  const cache = join(dir, 'cache');
  await writeFile(script, program('hello'));

  const made = await agentSnapshot(script, TCG_CPU, cache);
  assert.ok(made.blob, made.note);
  assert.match(made.note, /made under QEMU's Nehalem,\+rdrand in \d+ ms/);
  const again = await agentSnapshot(script, TCG_CPU, cache);
  assert.deepEqual(again, { blob: made.blob, note: `agent from its V8 startup snapshot ${made.blob}` });

  const out = execFileSync(emulator!, ['-cpu', TCG_CPU, process.execPath, ...AGENT_NODE_FLAGS, '--snapshot-blob', made.blob, 'guest']).toString();
  assert.equal(out, 'hello guest\n');

  await writeFile(script, program('goodbye'));
  const changed = await agentSnapshot(script, TCG_CPU, cache);
  assert.ok(changed.blob && changed.blob !== made.blob);
  assert.deepEqual(await readdir(cache), [changed.blob.split('/').at(-1)], 'the old snapshot is gone');
});

test('a snapshot that cannot be made is no snapshot, with the reason', { skip }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-snapshot-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = join(dir, 'agent.cjs');
  await writeFile(script, "throw new Error('the agent does not load');");
  const r = await agentSnapshot(script, TCG_CPU, join(dir, 'cache'));
  assert.equal(r.blob, undefined);
  assert.match(r.note, /^no agent snapshot: making it failed \(/);
  assert.deepEqual(await readdir(join(dir, 'cache')), [], 'nothing half-made is left');
});
