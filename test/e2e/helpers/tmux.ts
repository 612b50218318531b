// Drives a real program in a detached tmux session, as a person at a terminal would: keys
// in, screen text out. A private tmux socket keeps the tests away from the user's tmux.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const SOCKET = `debstep-e2e-${process.pid}`;
const EXIT_MARK = '[program exited with status ';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Single-quotes a word for sh. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export class TmuxSession {
  private constructor(
    readonly name: string,
    /** The server's socket file, removed with the last session. */
    private readonly socket: string,
  ) {}

  /** Starts `argv` in `cwd` with extra `env`, in a terminal of the given size. */
  static start(name: string, argv: readonly string[], o: { cwd: string; env?: Record<string, string>; columns?: number; rows?: number }): TmuxSession {
    const env = Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${shellWord(v)}`);
    // The exit status is printed after the program's last words, and the pane stays to show
    // them (a dead pane, with remain-on-exit, would scroll its screen for tmux's notice).
    const command = `cd ${shellWord(o.cwd)} && env ${env.join(' ')} ${argv.map(shellWord).join(' ')}; echo "${EXIT_MARK}$?]"; exec sleep 3600`;
    tmux('new-session', '-d', '-s', name, '-x', String(o.columns ?? 200), '-y', String(o.rows ?? 50), command);
    return new TmuxSession(name, tmux('display-message', '-p', '-t', name, '#{socket_path}').trim());
  }

  /** Sends keys as tmux names them: 'n', 'Enter', 'Up', or literal text with `literal`. */
  keys(keys: string, literal = false): void {
    tmux('send-keys', '-t', this.name, ...(literal ? ['-l', keys] : [keys]));
  }

  /** Types a line into a shell. */
  line(text: string): void {
    this.keys(text, true);
    this.keys('Enter');
  }

  screen(): string {
    return tmux('capture-pane', '-p', '-t', this.name);
  }

  /** The program's exit status once it has exited. */
  exitStatus(): number | undefined {
    const m = new RegExp(`${EXIT_MARK.replace(/[[\]]/g, '\\$&')}(\\d+)\\]`).exec(this.screen());
    return m ? Number(m[1]) : undefined;
  }

  /** Waits until the screen matches `what`; fails with the screen as it was. */
  async waitFor(what: RegExp | string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof what === 'string' ? screen.includes(what) : what.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${String(what)}; the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until the program has exited and the pane's shell has given way to the sleep. */
  async waitForExit(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.exitStatus();
      const idle = tmux('display-message', '-p', '-t', this.name, '#{pane_current_command}').trim() === 'sleep';
      if (status !== undefined && idle) return status;
      if (Date.now() > deadline) throw new Error(`timed out waiting for the program to exit; the screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // Already gone.
    }
    try {
      tmux('list-sessions');
    } catch {
      // No sessions left: the server has exited.
      rmSync(this.socket, { force: true });
    }
  }
}

export function haveTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
