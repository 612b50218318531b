import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { debootstrap } from '../../../src/engine/actions/debootstrap.js';
import { type BuildEvent, EventBus } from '../../../src/engine/events.js';
import { StageContext } from '../../../src/engine/stage.js';
import { Workspace } from '../../../src/engine/workspace.js';
import { type ExecRequest } from '../../../src/vm/machine.js';
import { FakeMachine, fakeServices } from '../../helpers/fake-machine.js';
import { params } from './check.js';

/** Runs the debootstrap action on a fake machine; `offload` as a VM has it. */
async function bootstrap(t: { after: (fn: () => Promise<void>) => void }, offload: boolean, arch = 'amd64') {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-debootstrap-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const machine = new FakeMachine();
  const bus = new EventBus();
  const events: BuildEvent[] = [];
  bus.add({ write: (e) => void events.push(e) });
  const ws = await Workspace.create(join(dir, 'state'), 'r.yaml');
  const outside: ExecRequest[] = [];
  const services = { ...fakeServices(machine, bus, ws, dir), offload, outside: async (req: ExecRequest) => (outside.push(req), { exitStatus: 0, signal: null, durationMs: 1, outputTail: [] }) };
  const ctx = new StageContext(services, 1, dir, arch, 512);
  await debootstrap.run!(params({ action: 'debootstrap', suite: 'bookworm', variant: 'minbase' }), ctx);
  const inMachine = machine.calls.filter((c) => c.what === 'exec').map((c) => (c.detail as ExecRequest).argv);
  return { outside: outside.map((r) => r.argv), inMachine, events };
}

test('on the host backend debootstrap runs once, fetching and installing', async (t) => {
  const { outside, inMachine } = await bootstrap(t, false);
  assert.deepEqual(outside, []);
  assert.equal(inMachine[0]![0], 'debootstrap');
  assert.ok(!inMachine[0]!.some((a) => /tarball/.test(a)));
  assert.equal(inMachine[0]!.at(-3), '/fake-root');
});

test('in a VM the packages are fetched outside it into a tarball, which the VM installs from', async (t) => {
  const { outside, inMachine, events } = await bootstrap(t, true);
  assert.equal(outside.length, 1);
  const make = outside[0]!.find((a) => a.startsWith('--make-tarball='))!.slice('--make-tarball='.length);
  assert.ok(make, 'fetched into a tarball');
  assert.notEqual(outside[0]!.at(-3), '/fake-root', 'into a target of its own, not the root');
  assert.ok(outside[0]!.includes('--variant=minbase') && outside[0]!.includes('--merged-usr'), 'the same package choice');
  assert.deepEqual(inMachine[0]!.filter((a) => a.startsWith('--unpack-tarball=')), [`--unpack-tarball=${make}`]);
  assert.equal(inMachine[0]!.at(-3), '/fake-root');
  const command = events.find((e) => e.type === 'command' && e.label === 'debootstrap (fetch)');
  assert.equal(command?.type === 'command' && command.outside, true, 'the log says where it ran');
});

test('a foreign root in a VM: fetched for its architecture, then a first stage only', async (t) => {
  const { outside, inMachine } = await bootstrap(t, true, 'arm64');
  assert.ok(outside[0]!.includes('--arch=arm64') && !outside[0]!.includes('--foreign'), '--foreign and --make-tarball are two first stages');
  assert.ok(inMachine[0]!.includes('--foreign') && inMachine[0]!.includes('--arch=arm64'));
});
