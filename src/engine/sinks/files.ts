// Sinks that write files: the full log (everything, verbose, timestamped) and the events
// as JSON Lines (to a file, or to stdout with --progress json). Writes are buffered by the
// stream; close() flushes.
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { type BuildEvent, EVENTS_VERSION, type EventSink } from '../../core/events.js';
import { eventText } from './text.js';
import { HostError } from '../../core/errors.js';

abstract class FileSink implements EventSink {
  private readonly stream: NodeJS.WritableStream;
  /** A stream given to the sink (stdout) is not the sink's to end. */
  private readonly owned: boolean;
  /** The first write that failed (a full disk): nothing more is written, close() throws it. */
  private failed: Error | undefined;

  constructor(private readonly target: string | NodeJS.WritableStream) {
    this.owned = typeof target === 'string';
    this.stream = typeof target === 'string' ? createWriteStream(target, { flags: 'a' }) : target;
    // Without a listener, a failed write (ENOSPC) would kill debstep with a stack trace.
    this.stream.on('error', (err: Error) => (this.failed ??= err));
  }

  protected abstract format(event: BuildEvent): string;

  write(event: BuildEvent): void {
    const text = this.format(event);
    if (text && !this.failed) this.stream.write(text);
  }

  async close(): Promise<void> {
    if (this.owned) {
      this.stream.end();
      // The last writes fail here, if anywhere.
      await finished(this.stream).catch((err: Error) => (this.failed ??= err));
    } else if (!this.failed) {
      await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
    }
    if (this.failed) {
      const where = typeof this.target === 'string' ? this.target : 'the output';
      throw new HostError(`could not write ${where}: ${this.failed.message}`, { hint: 'free some space there, or choose another --state-dir' });
    }
  }
}

export class FullLog extends FileSink {
  protected format(event: BuildEvent): string {
    const ts = new Date(event.ts).toISOString();
    return eventText(event, true)
      .map((line) => `${ts} ${line}\n`)
      .join('');
  }
}

export class JsonLines extends FileSink {
  protected format(event: BuildEvent): string {
    return JSON.stringify({ v: EVENTS_VERSION, ...event }) + '\n';
  }
}
