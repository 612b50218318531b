// Benchmark (run by hand): how the debugger holds up under a noisy action. Two actions
// each print LINES lines (default 100,000) in pipe-sized bursts, through the real event
// bus (full log and JSON Lines files included), the debugger's store and the Ink app
// drawing to a 200x50 terminal; a key that changes the screen is pressed every 25ms,
// first for a second while nothing runs (the baseline), then during the build. Reports
// key-to-state and key-to-redraw latency, throughput and memory. React runs its
// production build, as in `debstep debug`.
//
//   node --import tsx bench/tui-latency.ts [lines]
//
// Prints a Markdown table for bench/RESULTS.md.
process.env.NODE_ENV ??= 'production';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Controller } from '../src/engine/controller/controller.js';
import { EventBus } from '../src/core/events.js';
import { type RunnableStep, runSteps } from '../src/engine/run/runner.js';
import { FullLog, JsonLines } from '../src/engine/sinks/files.js';
import { StageContext } from '../src/engine/run/stage.js';
import { Workspace } from '../src/engine/workspace/workspace.js';
import { DebuggerStore } from '../src/tui/state/debugger-store.js';
import { LINES_PER_ACTION } from '../src/tui/state/action-logs.js';
import { type ExecRequest, type OutputSink } from '../src/vm/machine.js';
import { FakeMachine, fakeServices, uncachedRun } from '../test/helpers/fake-machine.js';

// Loaded after NODE_ENV is set (static imports would load React first).
const { createElement } = await import('react');
const { DebugApp } = await import('../src/tui/components/DebugApp.js');
const { Debugger } = await import('../src/tui/debugger.js');
const { Screen } = await import('../src/tui/screen.js');

const LINES = Number(process.argv[2] ?? 100_000);
const BURST = 1000; // lines per chunk: about what a 64 KiB pipe read holds
const KEY_EVERY_MS = 25;

/** A machine whose commands print LINES lines each, a burst per turn of the event loop. */
class NoisyMachine extends FakeMachine {
  override async exec(_req: ExecRequest, output: OutputSink) {
    const started = Date.now();
    for (let i = 0; i < LINES; i += BURST) {
      for (let j = i; j < Math.min(LINES, i + BURST); j++) output('stdout', `Unpacking libfoo${j} (1.2.${j}-1) over (1.2.${j - 1}-1) ...`);
      await new Promise((r) => setImmediate(r));
    }
    return { exitStatus: 0, signal: null, durationMs: Date.now() - started, outputTail: [] };
  }
}

/** A terminal that counts what is written and says when. */
class FakeTty extends Writable {
  readonly isTTY = true;
  columns = 200;
  rows = 50;
  bytes = 0;
  onWrite: (() => void) | undefined;
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.bytes += chunk.length;
    this.onWrite?.();
    done();
  }
}

function fakeStdin(): NodeJS.ReadStream {
  const s = new PassThrough() as unknown as NodeJS.ReadStream & { isRaw: boolean };
  Object.assign(s, { isTTY: true, isRaw: false, setRawMode: (raw: boolean) => ((s.isRaw = raw), s), ref: () => s, unref: () => s });
  return s;
}

const dir = await mkdtemp(join(tmpdir(), 'debstep-bench-tui-'));
const machine = new NoisyMachine();
const bus = new EventBus();
const ws = await Workspace.create(join(dir, 'state'), 'noisy.yaml');
bus.add(new FullLog(ws.logFile));
bus.add(new JsonLines(ws.eventsFile));
const services = fakeServices(machine, bus, ws, dir, {});
const step = (index: number): RunnableStep => ({
  index, kind: 'run', description: `Noisy ${index}`, context: new StageContext(services, index, dir, 'amd64', 512), params: '{}', cacheEffect: async () => 'unknown' as const,
  stages: { run: async (ctx) => void (await ctx.exec({ argv: ['noisy'], chroot: false, label: 'noisy' })) },
});
const steps = [step(1), step(2)];
const infos = steps.map((s) => ({ index: s.index, kind: s.kind, description: s.description, where: 'noisy.yaml:1:1' }));
const controller = new Controller(infos, { breakpoints: [], stepFirst: false }, bus);
const store = new DebuggerStore({ steps: infos, sources: new Map(), control: controller.state, user: 'bench', verbose: false });
bus.add(store);
const stdout = new FakeTty();
const stdin = fakeStdin();
let dbg: InstanceType<typeof Debugger> | undefined;
const app = () => createElement(DebugApp, { store, onIntent: (i) => dbg?.dispatch(i) });
const screen = new Screen(app, { stdin, stdout: stdout as unknown as NodeJS.WriteStream, stderr: process.stderr }, (err) => {
  throw err;
});
dbg = new Debugger({ store, controller, terminal: screen, replan: () => Promise.reject(new Error('no edits here')), editor: () => Promise.reject(new Error('no editor')) });
screen.open();

interface Latencies {
  toState: number[];
  toFrame: number[];
}

/** Presses `d` (details pane on/off: a visible change) every KEY_EVERY_MS until `stop` settles. */
async function pressKeysUntil(stop: Promise<unknown>): Promise<Latencies> {
  const lat: Latencies = { toState: [], toFrame: [] };
  let pressedAt = 0;
  let details = store.snapshot().ui.details;
  let drawn = true;
  const unsubscribe = store.subscribe(() => {
    if (pressedAt && drawn && store.snapshot().ui.details !== details) {
      details = store.snapshot().ui.details;
      lat.toState.push(performance.now() - pressedAt);
      drawn = false;
    }
  });
  stdout.onWrite = () => {
    if (!drawn) {
      drawn = true;
      lat.toFrame.push(performance.now() - pressedAt);
      pressedAt = 0;
    }
  };
  const timer = setInterval(() => {
    if (pressedAt) return; // the last press has not shown yet
    pressedAt = performance.now();
    stdin.write('d');
  }, KEY_EVERY_MS);
  await stop;
  clearInterval(timer);
  unsubscribe();
  return lat;
}

const idle = await pressKeysUntil(new Promise((r) => setTimeout(r, 1000)));
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const build = runSteps({ recipe: 'noisy.yaml', steps, control: controller, ...uncachedRun(services, ws) });
const busy = await pressKeysUntil(build);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const outcome = await build;
screen.close();
await bus.close();
await rm(dir, { recursive: true, force: true });
if (outcome.status !== 'success') throw new Error(`the build ${outcome.status}`);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const spread = (xs: number[]) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)} / ${Math.max(...xs).toFixed(1)} ms`;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const total = LINES * steps.length;
const rows: [string, string][] = [
  ['output lines (2 actions), per second through bus, log files, store and screen', `${total.toLocaleString('en')}, ${Math.round(total / seconds).toLocaleString('en')}/s`],
  ['key → state, idle: median / p95 / max', spread(idle.toState)],
  ['key → redraw written, idle: median / p95 / max', spread(idle.toFrame)],
  [`key → state, during the output (${busy.toFrame.length} presses)`, spread(busy.toState)],
  ['key → redraw written, during the output', spread(busy.toFrame)],
  ['RSS before the build / peak during it', `${mib(rssBefore)} / ${mib(peakRss)}`],
  ['log lines kept in memory per action', LINES_PER_ACTION.toLocaleString('en')],
];
console.log('| measure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
