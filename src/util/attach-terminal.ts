// Hands the terminal to an interactive session (a shell) and takes it back intact: raw
// mode while the session runs, resizes passed on, the previous mode restored at the end.
import type { PtySession } from './pty.js';

export function attachTerminal(session: PtySession, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Promise<number | null> {
  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  if (stdin.isTTY) stdin.setRawMode(true);
  const onInput = (data: Buffer) => session.write(data.toString('utf8'));
  const onResize = () => session.resize(stdout.columns, stdout.rows);
  stdin.on('data', onInput);
  stdout.on('resize', onResize);
  stdin.resume();
  session.onData((data) => stdout.write(data));
  return new Promise((resolve) => {
    session.onExit((status) => {
      stdin.off('data', onInput);
      stdout.off('resize', onResize);
      if (stdin.isTTY) stdin.setRawMode(wasRaw);
      stdin.pause();
      resolve(status);
    });
  });
}
