// The log `debstep build` prints: debos-like banners and `label | line` output.
import { type BuildEvent, type EventSink } from '../events.js';
import { eventText } from './text.js';

export class PlainLog implements EventSink {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly verbose: boolean,
  ) {}

  write(event: BuildEvent): void {
    for (const line of eventText(event, this.verbose)) this.out.write(line + '\n');
  }
}
