// What `debstep build` prints as it goes (--progress): the log for a terminal, the same
// log a line per event without any control sequence for CI logs, or the events as JSON
// Lines for programs. Colour follows the NO_COLOR and FORCE_COLOR conventions.
import type { EventSink } from '../core/events.js';
import { JsonLines } from '../engine/sinks/files.js';
import { type LogStyle, PlainLog } from '../engine/sinks/plain-log.js';

/** The --progress choices (options.ts checks the value). */
export type Progress = 'plain' | 'tty' | 'json';

type Env = Readonly<Record<string, string | undefined>>;

/** FORCE_COLOR asks for colour where a terminal cannot be seen (a CI log that shows it). */
const forcesColour = (env: Env) => env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';

/** The mode asked for, else tty on a terminal (or with FORCE_COLOR), else plain. */
export function progressMode(requested: string | undefined, isTTY: boolean, env: Env): Progress {
  if (requested !== undefined) return requested as Progress;
  return isTTY || forcesColour(env) ? 'tty' : 'plain';
}

/** How the log of a mode looks: colour in tty mode unless NO_COLOR (https://no-color.org) is set. */
export function logStyle(mode: Exclude<Progress, 'json'>, env: Env): LogStyle {
  return { plain: mode === 'plain', colour: mode === 'tty' && !env.NO_COLOR };
}

/** The sink that prints a build's progress on `out`. */
export function progressSink(mode: Progress, out: NodeJS.WritableStream, verbose: boolean, env: Env): EventSink {
  return mode === 'json' ? new JsonLines(out) : new PlainLog(out, verbose, logStyle(mode, env));
}
