// The debugger's memory of the build log: the last lines of each action in a ring buffer,
// outside React state, so a noisy action costs a bounded amount of memory and the
// screen only ever reads the few lines it shows. Everything is in the full log file.
import type { BuildEvent } from '../../core/events.js';
import { eventText } from '../../engine/sinks/text.js';
import { RingBuffer } from '../../util/ring-buffer.js';
import { withoutControl } from '../../util/control-text.js';

export type Tone = 'plain' | 'note' | 'warning' | 'error';

export interface LogLine {
  readonly text: string;
  /** Shown only with verbose on: command lines, environments, stages, diagnostics. */
  readonly verboseOnly: boolean;
  readonly tone: Tone;
}

/** Lines kept per action; older ones are only in build.log. */
export const LINES_PER_ACTION = 5000;
/** Longer lines are cut: one line never costs more than this in memory. */
export const MAX_LINE_LENGTH = 1000;

/** A line as the screen can show it: no control sequences, tabs expanded, length capped. */
export function displayText(text: string): string {
  const clean = withoutControl(text.replace(/\t/g, '    '));
  return clean.length > MAX_LINE_LENGTH ? `${clean.slice(0, MAX_LINE_LENGTH - 1)}…` : clean;
}

const line = (text: string, tone: Tone, verboseOnly = false): LogLine => ({ text: displayText(text), verboseOnly, tone });

/** How one event reads in an action's log pane. */
export function logLines(e: BuildEvent): LogLine[] {
  switch (e.type) {
    case 'output':
      // The pane is the action's own: the label (in the details pane) would only take room.
      return [line(e.text, 'plain')];
    case 'action-end':
      if (e.status === 'failed') return [line(`✗ ${e.error ?? 'failed'}`, 'error')];
      break;
    case 'paused':
      return [line(e.reason === 'failure' ? `---- paused: action ${e.index} failed ----` : `---- paused before action ${e.index} (${e.reason}) ----`, 'note')];
    case 'warning':
      return eventText(e, false).map((t) => line(t, 'warning'));
  }
  const plain = eventText(e, false);
  const all = eventText(e, true);
  const shown = new Set(plain);
  return all.map((t) => line(t, 'note', !shown.has(t)));
}

class ActionLog {
  readonly lines: RingBuffer<LogLine>;
  /** Kept lines that show without verbose. */
  plainCount = 0;

  constructor(capacity: number) {
    this.lines = new RingBuffer<LogLine>(capacity);
  }

  add(l: LogLine): void {
    const evicted = this.lines.push(l);
    if (!l.verboseOnly) this.plainCount++;
    if (evicted && !evicted.verboseOnly) this.plainCount--;
  }

  count(verbose: boolean): number {
    return verbose ? this.lines.size : this.plainCount;
  }
}

export interface LogWindow {
  readonly lines: readonly LogLine[];
  /** Lines kept in memory above the window. */
  readonly above: number;
  /** Lines no longer in memory (in build.log only). */
  readonly dropped: number;
  /** The scroll offset actually used (clamped), in lines up from the end. */
  readonly offset: number;
}

/** Per-action logs. Events without an action index go to the action the build is at (running or paused before), else to 0. */
export class ActionLogs {
  private readonly logs = new Map<number, ActionLog>();
  private current = 0;

  constructor(private readonly perAction = LINES_PER_ACTION) {}

  add(e: BuildEvent): void {
    if (e.type === 'action-start' || e.type === 'paused') this.current = e.index;
    const index = ('index' in e && e.index !== undefined ? e.index : undefined) ?? this.current;
    if (e.type === 'build-end') this.current = 0;
    for (const l of logLines(e)) this.logOf(index).add(l);
  }

  private logOf(index: number): ActionLog {
    let log = this.logs.get(index);
    if (!log) {
      log = new ActionLog(this.perAction);
      this.logs.set(index, log);
    }
    return log;
  }

  /** Lines of an action that show at this verbosity. */
  count(index: number, verbose: boolean): number {
    return this.logs.get(index)?.count(verbose) ?? 0;
  }

  /**
   * The `height` lines of an action's log that end `offset` shown lines before its last
   * one (0: follow the end), skipping verbose-only lines unless `verbose`.
   */
  window(index: number, height: number, offset: number, verbose: boolean): LogWindow {
    const log = this.logs.get(index);
    if (!log || height <= 0) return { lines: [], above: 0, dropped: log?.lines.dropped ?? 0, offset: 0 };
    const total = log.count(verbose);
    const used = Math.max(0, Math.min(offset, total - height));
    const picked: LogLine[] = [];
    let skip = used;
    for (let i = log.lines.size - 1; i >= 0 && picked.length < height; i--) {
      const l = log.lines.at(i)!;
      if (l.verboseOnly && !verbose) continue;
      if (skip > 0) skip--;
      else picked.push(l);
    }
    picked.reverse();
    return { lines: picked, above: total - used - picked.length, dropped: log.lines.dropped, offset: used };
  }
}
