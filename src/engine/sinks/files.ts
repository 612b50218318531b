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

  constructor(target: string | NodeJS.WritableStream) {
    this.owned = typeof target === 'string';
    this.stream = typeof target === 'string' ? createWriteStream(target, { flags: 'a' }) : target;
  }

  protected abstract format(event: BuildEvent): string;

  write(event: BuildEvent): void {
    const text = this.format(event);
    if (text) this.stream.write(text);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.owned ? this.stream.end(resolve) : this.stream.write('', () => resolve())));
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
