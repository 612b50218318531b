// The one place that starts build commands on the host. Every command runs under
// `setpriv --pdeathsig KILL unshare --pid --fork --kill-child`: it and everything it starts
// die with debstep, even when debstep itself is killed with SIGKILL, and a chroot
// command's private mounts die with it. Plain node:child_process, because the VM's guest
// agent runs this module too and a lean bundle starts faster under emulation.
import { spawn } from 'node:child_process';
import { type Stream } from '../../engine/events.js';
import { type ExecRequest, type ExecResult, type OutputSink } from '../machine.js';
import { LineSplitter } from '../../util/lines.js';
import { RingBuffer } from '../../util/ring-buffer.js';
import { mayMount } from './privilege.js';

export const TAIL_LINES = 20;

export interface SpawnOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly stdin?: string;
  readonly signal?: AbortSignal;
  /** Also give the command a private mount namespace (chroot commands). */
  readonly privateMounts?: boolean;
}

/** The wrapper argv that ties a command's lifetime to debstep's. Without root (or as a
 * container's root without CAP_SYS_ADMIN) there is no PID namespace to hold the command's
 * children: the command itself still dies with us. */
export function guarded(argv: readonly string[], privateMounts: boolean): string[] {
  if (!mayMount() && !privateMounts) return ['setpriv', '--pdeathsig', 'KILL', '--', ...argv];
  const unshare = ['unshare', '--pid', '--fork', '--kill-child'];
  if (privateMounts) unshare.push('--mount', '--propagation', 'private');
  return ['setpriv', '--pdeathsig', 'KILL', '--', ...unshare, '--', ...argv];
}

/** The environment host commands start from: debstep's own. */
export function hostBaseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs a command on this computer, as debstep's user, in debstep's environment plus `req.env`. */
export function hostExec(req: Omit<ExecRequest, 'chroot' | 'binds'>, output: OutputSink): Promise<ExecResult> {
  return spawnCommand(req.argv, { env: { ...hostBaseEnv(), ...req.env }, cwd: req.cwd, stdin: req.stdin, signal: req.signal }, output);
}

/** Runs argv to completion, streaming its output lines. Never throws for a non-zero exit. */
export async function spawnCommand(argv: readonly string[], opts: SpawnOptions, output: OutputSink): Promise<ExecResult> {
  const started = Date.now();
  const tail = new RingBuffer<string>(TAIL_LINES);
  const line = (stream: Stream, text: string) => {
    tail.push(text);
    output(stream, text);
  };
  const [file, ...args] = guarded(argv, opts.privateMounts ?? false);
  const child = spawn(file!, args, {
    env: opts.env,
    cwd: opts.cwd,
    stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  // unshare ignores SIGTERM while its child runs; SIGKILL ends it, and its child and the
  // whole PID namespace go with it (--kill-child).
  const abort = () => child.kill('SIGKILL');
  opts.signal?.addEventListener('abort', abort, { once: true });
  if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
  for (const stream of ['stdout', 'stderr'] as const) {
    const splitter = new LineSplitter((text) => line(stream, text));
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => splitter.push(chunk));
    child[stream]?.on('end', () => splitter.end());
  }
  const [exitStatus, signal] = await new Promise<[number | null, string | null]>((resolve) => {
    child.on('error', (err) => {
      line('stderr', `failed to start: ${err.message}`);
      resolve([127, null]);
    });
    // 'close' comes after both output streams have ended.
    child.on('close', (code, sig) => resolve([code, sig]));
  });
  opts.signal?.removeEventListener('abort', abort);
  return { exitStatus, signal, durationMs: Date.now() - started, outputTail: tail.toArray() };
}

/** Runs argv with this terminal as its stdin, stdout and stderr (QEMU's console), tied to
 * debstep's lifetime like every command; resolves with its exit status. */
export function spawnInteractive(argv: readonly string[]): Promise<number | null> {
  const [file, ...args] = guarded(argv, false);
  const child = spawn(file!, args, { stdio: 'inherit', env: hostBaseEnv() });
  return new Promise((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code));
  });
}
