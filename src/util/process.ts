// The one way debstep starts a program that needs no terminal (those go through pty.ts):
// build commands, the tools it drives (mkfs, decompressors, QEMU's user-mode emulator),
// itself re-executed. Plain node:child_process, because the VM's guest agent runs this
// module too and a lean bundle starts faster under emulation.
import { type ChildProcess, spawn, type StdioOptions } from 'node:child_process';
import type { Stream } from '../core/stream.js';
import { LineSplitter } from './lines.js';
import { RingBuffer } from './ring-buffer.js';

/** How many of a command's last output lines a result keeps, to explain a failure. */
export const TAIL_LINES = 20;

export interface StartOptions {
  /** Default: debstep's own environment. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly cwd?: string | undefined;
}

export interface RunOptions extends StartOptions {
  /** Written to the command's stdin, which is closed after it; without it stdin is /dev/null. */
  readonly stdin?: string | undefined;
  /** Aborting kills the command with SIGKILL. */
  readonly signal?: AbortSignal | undefined;
  /** Each line of output as it comes, stdout and stderr apart. */
  readonly onLine?: (stream: Stream, text: string) => void;
}

export interface RunResult {
  /** null when killed by a signal. */
  readonly exitStatus: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  /** The last lines of output (stdout and stderr interleaved), oldest first. */
  readonly outputTail: readonly string[];
}

/** Starts argv with the given stdio: the one call to child_process.spawn. */
export function start(argv: readonly string[], opts: StartOptions & { readonly stdio: StdioOptions }): ChildProcess {
  const [file, ...args] = argv;
  return spawn(file!, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: opts.stdio });
}

/** Runs argv to completion, streaming its output lines. Never throws for a non-zero exit;
 * a program that cannot start gives status 127 and says why on stderr. */
export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const tail = new RingBuffer<string>(TAIL_LINES);
  const line = (stream: Stream, text: string) => {
    tail.push(text);
    opts.onLine?.(stream, text);
  };
  const child = start(argv, { env: opts.env, cwd: opts.cwd, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  // SIGKILL: a wrapper such as unshare ignores SIGTERM while its child runs.
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

/** A command that failed: `why` is its stderr, or what kept it from starting. */
export class ProcessFailure extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly why: string,
  ) {
    super(`${argv[0]} failed: ${why}`);
  }
}

/**
 * Runs a filter to completion: `input` on its stdin, its stdout returned as bytes.
 * Rejects with a ProcessFailure when it cannot start or exits with a failure.
 */
export async function capture(argv: readonly string[], opts: StartOptions & { readonly input?: Buffer; readonly signal?: AbortSignal } = {}): Promise<Buffer> {
  const child = start(argv, { ...opts, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const abort = () => child.kill('SIGKILL');
  opts.signal?.addEventListener('abort', abort, { once: true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  // A filter that exits before reading all its input closes the pipe: its status says why.
  child.stdin?.on('error', () => {});
  child.stdin?.end(opts.input);
  try {
    await new Promise<void>((resolve, reject) => {
      child.on('error', (e: NodeJS.ErrnoException) => reject(new ProcessFailure(argv, e.code === 'ENOENT' ? `${argv[0]} is not installed` : e.message)));
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new ProcessFailure(argv, Buffer.concat(err).toString().trim() || (signal ? `killed by ${signal}` : `exit status ${code}`)));
      });
    });
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
  return Buffer.concat(out);
}
