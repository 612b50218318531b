// Interactive sessions on the host through node-pty, for shells in the root or workspace.
import { type PtySession } from '../machine.js';
import { nodePty } from './node-pty.js';

export function spawnPty(
  argv: readonly string[],
  opts: { env: Readonly<Record<string, string>>; cwd?: string; cols: number; rows: number },
): PtySession {
  const [file, ...args] = argv;
  const pty = nodePty().spawn(file!, args, {
    name: opts.env.TERM ?? 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd ?? '/',
    env: { ...opts.env },
  });
  return {
    onData: (listener) => void pty.onData(listener),
    onExit: (listener) => void pty.onExit(({ exitCode, signal }) => listener(signal ? null : exitCode)),
    write: (data) => pty.write(data),
    resize: (cols, rows) => pty.resize(cols, rows),
    kill: () => pty.kill(),
  };
}
