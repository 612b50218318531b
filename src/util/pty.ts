// Programs that need a terminal (shells, the editor, QEMU's serial console) run in a
// pseudo-terminal through node-pty, loaded on first use: it is a native addon, which would
// cost every command that never opens a terminal, and which the VM agent's V8 startup
// snapshot cannot hold. Resolved from debstep's installation, wherever the running file is
// (the agent runs from a bundle in a temporary directory).
import { createRequire } from 'node:module';

type NodePty = typeof import('node-pty');
let loaded: NodePty | undefined;
const nodePty = (): NodePty => (loaded ??= createRequire(import.meta.url)('node-pty') as NodePty);

/** An interactive terminal session (node-pty on the host, the serial console in a VM). */
export interface PtySession {
  onData(listener: (data: string) => void): void;
  onExit(listener: (exitStatus: number | null) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(): void;
}

export interface PtyOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string | undefined;
  readonly cols: number;
  readonly rows: number;
}

/** A program in a pty, with its pid and how it ended (signal: its number, when one ended it). */
export interface PtyProcess {
  readonly pid: number;
  onData(listener: (data: string) => void): void;
  onExit(listener: (code: number, signal: number | undefined) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(): void;
}

export function startPty(argv: readonly string[], opts: PtyOptions): PtyProcess {
  const [file, ...args] = argv;
  const pty = nodePty().spawn(file!, args, {
    name: opts.env.TERM ?? 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd ?? '/',
    env: { ...opts.env },
  });
  return {
    pid: pty.pid,
    onData: (listener) => void pty.onData(listener),
    onExit: (listener) => void pty.onExit(({ exitCode, signal }) => listener(exitCode, signal || undefined)),
    write: (data) => pty.write(data),
    resize: (cols, rows) => pty.resize(cols, rows),
    kill: () => pty.kill(),
  };
}

/** A program in a pty as an interactive session: a shell, the editor. */
export function spawnPty(argv: readonly string[], opts: PtyOptions): PtySession {
  const pty = startPty(argv, opts);
  return {
    onData: (listener) => pty.onData(listener),
    onExit: (listener) => pty.onExit((code, signal) => listener(signal ? null : code)),
    write: (data) => pty.write(data),
    resize: (cols, rows) => pty.resize(cols, rows),
    kill: () => pty.kill(),
  };
}
