// QEMU running in a pty: the pty is the guest's serial console (kernel messages, init's
// progress, QEMU's own errors). Its last lines are kept to explain a guest that dies or
// hangs. QEMU dies with debstep, even when debstep is killed with SIGKILL.
import { LineSplitter } from '../../util/lines.js';
import { type PtyProcess, startPty } from '../../util/pty.js';
import { RingBuffer } from '../../util/ring-buffer.js';

export interface QemuExit {
  readonly code: number;
  readonly signal: number | undefined;
}

export class QemuProcess {
  /** Settles when QEMU has exited. */
  readonly exited: Promise<QemuExit>;
  private readonly tail: RingBuffer<string>;
  private readonly pty: PtyProcess;
  private done = false;

  constructor(argv: readonly string[], onLine: (line: string) => void, tailLines = 40) {
    this.tail = new RingBuffer<string>(tailLines);
    const splitter = new LineSplitter((line) => {
      const clean = line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
      this.tail.push(clean);
      onLine(clean);
    });
    this.pty = startPty(['setpriv', '--pdeathsig', 'KILL', '--', ...argv], {
      cols: 200,
      rows: 50,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'dumb' },
    });
    // Serial lines end in \r\n and the pty adds another \r: only the newline counts.
    this.pty.onData((data) => splitter.push(data.replace(/\r+\n/g, '\n')));
    this.exited = new Promise((resolve) => {
      this.pty.onExit((code, signal) => {
        this.done = true;
        splitter.end();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.pty.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  /** The last console lines, oldest first. */
  lastLines(): string[] {
    return this.tail.toArray().filter((l) => l.trim() !== '');
  }

  /** Kills QEMU and waits for it to be gone. */
  async kill(): Promise<QemuExit> {
    if (!this.done) {
      try {
        process.kill(this.pty.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    return this.exited;
  }
}
