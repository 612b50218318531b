// Time from startQemuMachine() to a ready guest agent, and where it goes.
// Run by hand: node --import tsx bench/vm-boot.ts [runs] [tcg|kvm|auto] [extra kernel args...]
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startQemuMachine } from '../src/vm/qemu/prepared-vm.js';

const runs = Number(process.argv[2] ?? 5);
const accel = (process.argv[3] ?? 'auto') as 'tcg' | 'kvm' | 'auto';
const kernelArgs = process.argv.slice(4);

interface Sample {
  readonly readyMs: number;
  readonly kernelUp: number;
  readonly agentStarted: number;
  readonly guestReady: number;
  readonly agentReady: number;
  readonly agentOwn: number;
  readonly firstCommandMs: number;
  readonly closeMs: number;
}

/** The guest's own clock at an init step, from its `[uptime] step` diagnostic. */
const at = (diagnostics: string[], step: string) => Number(/\[([\d.]+)\]/.exec(diagnostics.find((d) => d.startsWith('guest: ') && d.endsWith(step)) ?? '')?.[1] ?? NaN);

async function once(): Promise<Sample> {
  const dir = await mkdtemp('/var/tmp/debstep-bench-');
  await mkdir(join(dir, 'root'));
  await mkdir(join(dir, 'layers', 'base'), { recursive: true });
  const diagnostics: string[] = [];
  try {
    const started = Date.now();
    const vm = await startQemuMachine({ rootDir: join(dir, 'root'), layersDir: join(dir, 'layers'), shares: [dir], accel, kernelArgs, verbose: true, onDiagnostic: (s, m) => diagnostics.push(`${s}: ${m}`) });
    const readyMs = Date.now() - started;
    const ready = /up ([\d.]+) s; node loaded the agent in ([\d.]+) s/.exec(diagnostics.find((d) => d.startsWith('vm: agent ready')) ?? '');
    const commandStarted = Date.now();
    await vm.exec({ argv: ['true'], chroot: false, label: 'true' }, () => {});
    const firstCommandMs = Date.now() - commandStarted;
    const closeStarted = Date.now();
    await vm.close();
    return {
      readyMs,
      kernelUp: at(diagnostics, 'kernel up'),
      agentStarted: at(diagnostics, 'starting the agent'),
      guestReady: at(diagnostics, 'guest ready'),
      agentReady: Number(ready?.[1]),
      agentOwn: Number(ready?.[2]),
      firstCommandMs,
      closeMs: Date.now() - closeStarted,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const samples: Sample[] = [];
for (let i = 0; i < runs; i++) {
  const s = await once();
  samples.push(s);
  console.log(`run ${i + 1}: ready in ${s.readyMs} ms (guest clock: kernel up ${s.kernelUp} s, agent started ${s.agentStarted} s, init done ${s.guestReady} s, agent ready ${s.agentReady} s; node loaded the agent in ${s.agentOwn} s); first command ${s.firstCommandMs} ms; close ${s.closeMs} ms`);
}
const ready = samples.map((s) => s.readyMs).sort((a, b) => a - b);
console.log(`accel ${accel}${kernelArgs.length ? `, kernel args ${kernelArgs.join(' ')}` : ''}: start to agent-ready min ${ready[0]} ms, median ${ready[Math.floor(ready.length / 2)]} ms, max ${ready.at(-1)} ms over ${runs} runs`);
