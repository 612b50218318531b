// Sinks that write files: the full log (everything, verbose, timestamped) and the events
// as JSON Lines. Writes are buffered by the stream; close() flushes.
import { createWriteStream, type WriteStream } from 'node:fs';
import { type BuildEvent, type EventSink } from '../events.js';
import { eventText } from './text.js';

abstract class FileSink implements EventSink {
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'a' });
  }

  protected abstract format(event: BuildEvent): string;

  write(event: BuildEvent): void {
    const text = this.format(event);
    if (text) this.stream.write(text);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
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
    return JSON.stringify(event) + '\n';
  }
}
