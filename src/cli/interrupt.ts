// Ctrl-C, kill or a closed terminal during `debstep build`: the running command is stopped
// and the build ends as a failure does, through every cleanup (mounts, loop devices, the
// VM, a failed image), instead of the process dying halfway. The exit status is the
// shell's for the signal: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.
import { constants } from 'node:os';
import type { Control } from '../engine/run/runner.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export class Interrupt {
  /** The first signal that came, if one did. */
  private received: NodeJS.Signals | undefined;
  private stopCommand: (() => void) | undefined;
  // A terminal's Ctrl-C reaches both debstep and the parent that forwards it: once is enough.
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.received) return;
    this.received = signal;
    this.onStop(signal);
    this.stopCommand?.();
  };

  /** `onStop` says that the build stops (in its log and events). */
  constructor(private readonly onStop: (signal: NodeJS.Signals) => void) {
    for (const s of SIGNALS) process.on(s, this.onSignal);
  }

  get signal(): NodeJS.Signals | undefined {
    return this.received;
  }

  /** 128 + the signal's number, as a shell reports a process the signal ended. */
  get exitCode(): number | undefined {
    return this.received ? 128 + constants.signals[this.received] : undefined;
  }

  /** `control`, but once a signal came the build stops at the next question, also after
   * the failure of the command the signal stopped (no --debug-shell then). */
  wrap(control: Control): Control {
    return {
      beforeAction: (index) => (this.received ? Promise.resolve({ do: 'abort' }) : control.beforeAction(index)),
      afterFailure: (index, failure) => (this.received ? Promise.resolve({ do: 'abort' }) : control.afterFailure(index, failure)),
      onRunning: (index, interrupt) => {
        this.stopCommand = interrupt;
        control.onRunning?.(index, interrupt);
      },
    };
  }

  dispose(): void {
    for (const s of SIGNALS) process.off(s, this.onSignal);
  }
}
