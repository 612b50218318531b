// The log `debstep build` prints: debos-like banners and `label | line` output, styled
// for where it goes (see LogStyle).
import type { BuildEvent, EventSink } from '../../core/events.js';
import { withoutColour, withoutControl } from '../../util/control-text.js';
import { eventText } from './text.js';

/** How the log looks: --progress tty with or without colour, or plain. */
export interface LogStyle {
  /** Banners, warnings and the build's end in colour; commands' own colours kept. */
  readonly colour: boolean;
  /** No control sequences at all, commands' included (colours, cursor movement, `\r`
   * progress bars): a line per event, for CI logs and files. */
  readonly plain: boolean;
}

/** The SGR colour of an event's lines, if it has one. */
function colourOf(e: BuildEvent): string | undefined {
  switch (e.type) {
    case 'action-start':
      return '1';
    case 'build-end':
      return e.status === 'success' ? '1;32' : '1;31';
    case 'action-end':
      return e.status === 'failed' ? '31' : e.status === 'skipped' ? '33' : undefined;
    case 'warning':
      return '33';
    case 'paused':
    case 'shell-open':
    case 'shell-close':
      return '36';
    default:
      return undefined;
  }
}

const lastDrawn = (text: string): string => {
  const line = text.replace(/\r+$/, '');
  return line.slice(line.lastIndexOf('\r') + 1);
};

export class PlainLog implements EventSink {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly verbose: boolean,
    private readonly style: LogStyle = { colour: false, plain: true },
  ) {}

  private styled(line: string, colour: string | undefined): string {
    if (this.style.plain) return withoutControl(line);
    if (!this.style.colour) return withoutColour(line);
    return colour ? `\x1b[${colour}m${line}\x1b[0m` : line;
  }

  write(event: BuildEvent): void {
    const colour = colourOf(event);
    // A progress bar redraws its line after `\r`: a log keeps only what was drawn last.
    const e = this.style.plain && event.type === 'output' ? { ...event, text: lastDrawn(event.text) } : event;
    for (const line of eventText(e, this.verbose)) this.out.write(this.styled(line, colour) + '\n');
  }
}
