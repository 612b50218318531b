// Runs one action's run stage on a fake machine, recording the commands it ran in the
// machine and outside it (`offload`, as in a VM; run for real with `realOutside`).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionDef } from '../../../../src/engine/actions/action.js';
import { type BuildEvent, EventBus } from '../../../../src/core/events.js';
import { StageContext } from '../../../../src/engine/run/stage.js';
import { Workspace } from '../../../../src/engine/workspace/workspace.js';
import { hostExec } from '../../../../src/vm/host/exec.js';
import { type ExecRequest, type OutputSink } from '../../../../src/vm/machine.js';
import { FakeMachine, fakeServices } from '../../../helpers/fake-machine.js';

export async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'debstep-action-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function runAction<P>(dir: string, action: ActionDef, params: P, opts: { offload: boolean; arch?: string; epoch?: number; rootFiles?: string[]; onOutside?: (req: ExecRequest) => Promise<void | number>; onExec?: (req: ExecRequest) => void; realOutside?: boolean; outsideAsRoot?: boolean }) {
  const machine = new FakeMachine();
  const { onExec } = opts;
  if (onExec) machine.script = (req) => (onExec(req), { status: 0 });
  for (const f of opts.rootFiles ?? []) machine.files.files.set(f, Buffer.alloc(0));
  const bus = new EventBus();
  const events: BuildEvent[] = [];
  bus.add({ write: (e) => void events.push(e) });
  const ws = await Workspace.create(join(dir, 'state'), 'r.yaml');
  const outside: ExecRequest[] = [];
  const services = {
    // Real commands get no made-up proxy.
    ...fakeServices(machine, bus, ws, dir, opts.realOutside ? {} : undefined),
    offload: opts.offload,
    outsideAsRoot: opts.outsideAsRoot ?? false,
    ...(opts.epoch === undefined ? {} : { sourceDateEpoch: opts.epoch }),
    outside: async (req: ExecRequest, output: OutputSink) => {
      outside.push(req);
      // A number is the stand-in's exit status.
      const status = await opts.onOutside?.(req);
      return opts.realOutside ? hostExec(req, output) : { exitStatus: status ?? 0, signal: null, durationMs: 1, outputTail: [] };
    },
  };
  const ctx = new StageContext(services, 1, dir, opts.arch ?? 'amd64', 512);
  const effect = await action.cacheEffect?.(params, ctx);
  await action.run!(params, ctx);
  const inMachine = machine.calls.filter((c) => c.what === 'exec').map((c) => (c.detail as ExecRequest).argv);
  return { outside: outside.map((r) => r.argv), inMachine, events, scratch: ws.scratch, effect };
}
