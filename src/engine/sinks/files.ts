// Sinks that write files: the full log (everything, verbose, timestamped) and the events
// as JSON Lines (to a file, or to stdout with --progress json). Writes are buffered by the
// stream; close() flushes.
import { createWriteStream } from 'node:fs';
import { type BuildEvent, EVENTS_VERSION, type EventSink } from '../../core/events.js';
import { eventText } from './text.js';

abstract class FileSink implements EventSink {
  private readonly stream: NodeJS.WritableStream;
  /** A stream given to the sink (stdout) is not the sink's to end. */
  private readonly owned: boolean;
  /** Why the file could not be written (a full disk): the sink then writes nothing more. */
  failure: Error | undefined;

  constructor(target: string | NodeJS.WritableStream) {
    this.owned = typeof target === 'string';
    this.stream = typeof target === 'string' ? createWriteStream(target, { flags: 'a' }) : target;
    // An unhandled 'error' would kill the process mid-build (ENOSPC with the state directory
    // full): the build goes on, and fails or not for its own reasons; the log just ends early.
    this.stream.on('error', (err: Error) => (this.failure ??= err));
  }

  protected abstract format(event: BuildEvent): string;

  write(event: BuildEvent): void {
    if (this.failure) return;
    const text = this.format(event);
    if (text) this.stream.write(text);
  }

  close(): Promise<void> {
    if (this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      // A stream that fails while flushing calls back with the error, or only emits it.
      const done = (err?: Error | null) => {
        if (err) this.failure ??= err;
        resolve();
      };
      this.stream.once('error', done);
      if (this.owned) this.stream.end(done);
      else this.stream.write('', done);
    });
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
