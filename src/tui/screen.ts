// The debugger's hold on the terminal: the Ink app on the alternate screen, and the
// hand-over to an interactive program (a shell, the editor). While that program runs,
// Ink is unmounted (no rendering, no input handling) and the normal screen shows; when
// it exits, the alternate screen comes back and the app is mounted again. All state is
// in the store, so nothing is lost in between.
import { render, type Instance } from './ink.js';
import type { ReactElement } from 'react';
import { attachTerminal } from '../util/attach-terminal.js';
import type { PtySession } from '../util/pty.js';
import type { Size } from './view/layout.js';

const ENTER_ALTERNATE = '\x1b[?1049h\x1b[H\x1b[2J';
const LEAVE_ALTERNATE = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export interface ScreenIo {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/** The terminal while the debugger is put away. */
export interface Tty {
  readonly size: Size;
  print(lines: readonly string[]): void;
  /** Gives the terminal to an interactive session until it exits; its exit status. */
  attach(session: PtySession): Promise<number | null>;
}

/** What the debugger needs from the terminal. */
export interface Terminal {
  size(): Size;
  /** Puts the debugger away, runs `fn` on the normal screen, and brings the debugger back. */
  handOver<T>(fn: (tty: Tty) => Promise<T>): Promise<T>;
}

export class Screen implements Terminal {
  private ink: Instance | undefined;
  private opened = false;
  /** The session that has the terminal now, if any. */
  private attached: PtySession | undefined;

  constructor(
    private readonly app: () => ReactElement,
    private readonly io: ScreenIo,
    /** The app crashed (Ink unmounted it): the build must not wait for keys that never come. */
    private readonly onCrash: (err: Error) => void,
  ) {}

  size(): Size {
    return { columns: this.io.stdout.columns || 80, rows: this.io.stdout.rows || 24 };
  }

  open(): void {
    this.io.stdout.write(ENTER_ALTERNATE);
    this.opened = true;
    this.mount();
  }

  /** Ends the debugger's screen; a shell still open (the build was stopped by a signal) is ended too. */
  close(): void {
    this.attached?.kill();
    this.unmount();
    if (this.opened && !this.attached) this.io.stdout.write(LEAVE_ALTERNATE + SHOW_CURSOR);
    this.opened = false;
  }

  async handOver<T>(fn: (tty: Tty) => Promise<T>): Promise<T> {
    const { stdin, stdout } = this.io;
    this.unmount();
    stdout.write(LEAVE_ALTERNATE + SHOW_CURSOR);
    const tty: Tty = {
      size: this.size(),
      print: (lines) => void stdout.write(lines.map((l) => `${l}\r\n`).join('')),
      attach: (session) => {
        this.attached = session;
        return attachTerminal(session, stdin, stdout).finally(() => {
          this.attached = undefined;
        });
      },
    };
    try {
      return await fn(tty);
    } finally {
      if (this.opened) {
        stdout.write(ENTER_ALTERNATE);
        this.mount();
      }
    }
  }

  private mount(): void {
    this.ink = render(this.app(), {
      stdin: this.io.stdin,
      stdout: this.io.stdout,
      stderr: this.io.stderr,
      // Ctrl-C is a key like the others: it asks whether to keep the workspace.
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 60,
    });
    this.ink.waitUntilExit().catch((err: unknown) => this.onCrash(err instanceof Error ? err : new Error(String(err))));
  }

  private unmount(): void {
    this.ink?.unmount();
    this.ink = undefined;
  }
}
