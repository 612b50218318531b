// The one place that starts processes on the host. Every command runs under
// `setpriv --pdeathsig KILL unshare --pid --fork --kill-child`: it and everything it starts
// die with debstep, even when debstep itself is killed with SIGKILL, and a chroot
// command's private mounts die with it.
import { execa } from 'execa';
import { type ExecResult, type OutputSink } from '../machine.js';
import { LineSplitter } from '../../util/lines.js';
import { RingBuffer } from '../../util/ring-buffer.js';

export const TAIL_LINES = 20;

export interface SpawnOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly stdin?: string;
  readonly signal?: AbortSignal;
  /** Also give the command a private mount namespace (chroot commands). */
  readonly privateMounts?: boolean;
}

/** The wrapper argv that ties a command's lifetime to debstep's. */
export function guarded(argv: readonly string[], privateMounts: boolean): string[] {
  const unshare = ['unshare', '--pid', '--fork', '--kill-child'];
  if (privateMounts) unshare.push('--mount', '--propagation', 'private');
  return ['setpriv', '--pdeathsig', 'KILL', '--', ...unshare, '--', ...argv];
}

/** Runs argv to completion, streaming its output lines. Never throws for a non-zero exit. */
export async function spawnCommand(argv: readonly string[], opts: SpawnOptions, output: OutputSink): Promise<ExecResult> {
  const started = Date.now();
  const tail = new RingBuffer<string>(TAIL_LINES);
  const [file, ...args] = guarded(argv, opts.privateMounts ?? false);
  const child = execa(file!, args, {
    env: opts.env,
    extendEnv: false,
    cwd: opts.cwd,
    input: opts.stdin,
    stdin: opts.stdin === undefined ? 'ignore' : 'pipe',
    buffer: false,
    reject: false,
    cancelSignal: opts.signal,
    // SIGTERM makes unshare kill its child, and with it the whole PID namespace.
    killSignal: 'SIGTERM',
    forceKillAfterDelay: 5000,
  });
  const streams = (['stdout', 'stderr'] as const).map((stream) => {
    const splitter = new LineSplitter((line) => {
      tail.push(line);
      output(stream, line);
    });
    const source = child[stream];
    source?.setEncoding('utf8');
    source?.on('data', (chunk: string) => splitter.push(chunk));
    return new Promise<void>((resolve) => {
      if (!source) return resolve();
      source.on('end', () => {
        splitter.end();
        resolve();
      });
      source.on('error', () => resolve());
    });
  });
  const result = await child;
  await Promise.all(streams);
  const failedToStart = result.exitCode === undefined && result.signal === undefined;
  if (failedToStart) {
    const line = `failed to start: ${result.originalMessage ?? result.shortMessage}`;
    tail.push(line);
    output('stderr', line);
  }
  return {
    exitStatus: result.exitCode ?? (failedToStart ? 127 : null),
    signal: result.signal ?? null,
    durationMs: Date.now() - started,
    outputTail: tail.toArray(),
  };
}
