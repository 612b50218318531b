// Pure functions from the debugger's state to what the components draw: the rows of the
// action list, the status line, the details of the selected action, which keys work now.
import { type Breakpoint, formatBreakpoint, matches } from '../../engine/controller/breakpoints.js';
import type { Command, ControllerState } from '../../engine/controller/reducer.js';
import { shellQuote } from '../../engine/sinks/text.js';
import type { BuildProgress, StepStatus, StepView } from '../state/build-progress.js';
import { MAIN_KEYS } from '../keymap.js';

/** The recipe side of a planned action, for the details pane. */
export interface StepSource {
  /** The action's lines of the rendered recipe. */
  readonly yaml: string;
  /** Recipe file:line:col. */
  readonly where: string;
  /** The recipe file that holds it: what `e` opens. */
  readonly file: string;
  /** How many sub-recipe levels down it is (0: the recipe itself). */
  readonly depth: number;
}

/** 850ms → 0.9s, 75s → 1m15s, 3725s → 1h02m. */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const whole = Math.floor(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** A stopwatch: 00:07, 12:34, 1:02:03. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const ss = String(total % 60).padStart(2, '0');
  return total >= 3600 ? `${Math.floor(total / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

const GLYPHS: Record<StepStatus | 'paused', string> = { todo: '·', running: '▸', paused: '‖', done: '✓', failed: '✗', skipped: '↷' };

export interface StepRow {
  readonly index: number;
  readonly glyph: string;
  readonly status: StepStatus | 'paused';
  readonly kind: string;
  /** Indented and marked with ↳ for an action of a sub-recipe, as `check` shows it. */
  readonly description: string;
  readonly breakpoint: boolean;
  readonly selected: boolean;
  /** Duration when ended, running time while running, else empty. */
  readonly time: string;
}

export function hasBreakpoint(breakpoints: readonly Breakpoint[], step: StepView): boolean {
  return breakpoints.some((bp) => matches(bp, step));
}

export function stepRows(build: BuildProgress, control: ControllerState, sources: ReadonlyMap<number, StepSource>, cursor: number, now: number): StepRow[] {
  return build.steps.map((s) => {
    const depth = sources.get(s.index)?.depth ?? 0;
    const description = depth > 0 ? `${'  '.repeat(depth - 1)}↳ ${s.description}` : s.description;
    const pausedHere = control.pause?.index === s.index && control.pause.reason !== 'failure';
    const status = pausedHere ? 'paused' : s.status;
    const time =
      s.status === 'running' && s.startedAt !== undefined
        ? formatDuration(now - s.startedAt)
        : s.status === 'done' && s.cache?.hit
          ? 'cached'
          : s.durationMs !== undefined && s.status !== 'skipped'
            ? formatDuration(s.durationMs)
            : '';
    return { index: s.index, glyph: GLYPHS[status], status, kind: s.kind, description, breakpoint: hasBreakpoint(control.breakpoints, s), selected: s.index === cursor, time };
  });
}

/**
 * What `b` sends for an action: removes its index breakpoint if it has one, else the
 * kind or description breakpoints that stop there (from --break), else adds one.
 */
export function breakpointCommands(breakpoints: readonly Breakpoint[], step: StepView): Command[] {
  const matching = breakpoints.filter((bp) => matches(bp, step));
  if (matching.length === 0 || matching.some((bp) => bp.type === 'index')) return [{ type: 'toggle-breakpoint', index: step.index }];
  return matching.map((bp) => ({ type: 'remove-breakpoint', breakpoint: bp }));
}

export function describeBreakpoints(breakpoints: readonly Breakpoint[]): string {
  return breakpoints.map(formatBreakpoint).join(', ');
}

export type Tone = 'info' | 'paused' | 'error' | 'done';

export interface StatusLine {
  readonly text: string;
  readonly tone: Tone;
}

/** The one line that says what the build is doing and what can be done about it. */
export function statusLine(build: BuildProgress, control: ControllerState, quitting: boolean): StatusLine {
  const end = build.end;
  if (end) {
    const tainted = end.tainted ? ' (tainted: an action was skipped)' : '';
    if (end.status === 'success') return { text: `Build finished${tainted}. q quits.`, tone: 'done' };
    const why = end.error ? `: ${end.error}` : '';
    return { text: `Build ${end.status}${why}. q quits.`, tone: 'error' };
  }
  if (quitting) return { text: 'Quitting: stopping the build and cleaning up…', tone: 'info' };
  const pause = control.pause;
  if (pause?.reason === 'failure') return { text: `Action ${pause.index} failed. r retry · k skip · s shell · e edit · q quit`, tone: 'error' };
  if (pause) return { text: `Paused before action ${pause.index} (${pause.reason}). n step · c continue · k skip · s shell · e edit`, tone: 'paused' };
  const running = build.steps.find((s) => s.status === 'running');
  if (running) {
    const stage = build.stage?.index === running.index && build.stage.stage !== 'run' ? ` (${build.stage.stage})` : '';
    const next = control.mode.type === 'step' ? 'It pauses before the next action (c lets it run on).' : 'p pauses before the next action.';
    return { text: `Running action ${running.index}${stage}: ${running.description}. ${next}`, tone: 'info' };
  }
  if (build.stage) return { text: `Running the ${build.stage.stage} stage${build.stage.index !== undefined ? ` of action ${build.stage.index}` : ''}…`, tone: 'info' };
  return { text: build.startedAt === undefined ? 'Starting the build…' : 'Working…', tone: 'info' };
}

/** The keys of MAIN_KEYS that do something in this state; the key bar dims the others. */
export function enabledKeys(build: BuildProgress, control: ControllerState, quitting: boolean): ReadonlySet<string> {
  const always = ['v', 'd', 'q'];
  if (build.end || quitting) return new Set(always);
  const pause = control.pause;
  if (!pause) return new Set([...always, 'p', 'b', 'c']);
  if (pause.reason === 'failure') return new Set([...always, 'b', 'r', 'k', 's', 'h', 'e']);
  return new Set([...always, 'n', 'c', 'g', 'b', 'k', 's', 'h', 'e']);
}

export const KEY_LABELS: readonly { readonly key: string; readonly label: string }[] = MAIN_KEYS.map(({ key, label }) => ({ key, label }));

export type DetailTone = 'title' | 'plain' | 'dim' | 'error';

export interface DetailLine {
  readonly text: string;
  readonly tone: DetailTone;
  /** A line of the action's YAML: the first to go when the pane is short. */
  readonly yaml?: boolean;
}

function commandLines(step: StepView): DetailLine[] {
  const c = step.command;
  if (!c) return [{ text: step.status === 'todo' ? 'Not run yet.' : 'No command run.', tone: 'dim' }];
  const place = c.chroot ? `in the root${c.cwd ? ` (cwd ${c.cwd})` : ''}` : `on the build host${c.cwd ? ` in ${c.cwd}` : ''}`;
  const env = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
  const end = c.end;
  const result = !end
    ? 'running…'
    : `${end.exitStatus === null ? `killed by ${end.signal}` : `exit status ${end.exitStatus}`} after ${formatDuration(end.durationMs)}`;
  return [
    { text: `Last command (${c.label}), ${place}:`, tone: 'title' },
    { text: `  $ ${shellQuote(c.argv)}`, tone: 'plain' },
    { text: `  env: ${env.length ? env.join(' ') : '(nothing beyond the base environment)'}`, tone: 'dim' },
    { text: `  ${result}`, tone: end && end.exitStatus !== 0 ? 'error' : 'plain' },
  ];
}

/** The details pane of one action: where it comes from, its YAML, its last command. */
export function detailLines(step: StepView, source: StepSource | undefined): DetailLine[] {
  const attempt = step.attempt > 1 ? ` (attempt ${step.attempt})` : '';
  const lines: DetailLine[] = [{ text: `Action ${step.index}: ${step.kind} at ${source?.where ?? step.where}${attempt}`, tone: 'title' }];
  for (const l of (source?.yaml ?? '').replace(/\n+$/, '').split('\n')) if (l.trim() !== '') lines.push({ text: `  ${l}`, tone: 'plain', yaml: true });
  if (step.cache) lines.push({ text: step.cache.hit ? `From the cache: ${step.cache.reason}` : `Ran, not from the cache: ${step.cache.reason}`, tone: 'dim' });
  lines.push(...(step.cache?.hit ? [] : commandLines(step)));
  if (step.error) lines.push({ text: step.error, tone: 'error' });
  return lines;
}

/**
 * The details in `height` lines: the YAML is cut first (the command and the error are
 * what one debugs with), then the end.
 */
export function fitDetails(lines: readonly DetailLine[], height: number): DetailLine[] {
  if (lines.length <= height) return [...lines];
  if (height <= 0) return [];
  const yaml = lines.filter((l) => l.yaml).length;
  const over = lines.length - height;
  if (yaml > over) {
    // Keep the first YAML lines and say how many more there are, in place of the rest.
    const keep = yaml - over - 1;
    const out: DetailLine[] = [];
    let seen = 0;
    for (const l of lines) {
      if (!l.yaml) out.push(l);
      else if (seen++ < keep) out.push(l);
      else if (seen === keep + 1) out.push({ text: `  … ${yaml - keep} more lines of YAML`, tone: 'dim', yaml: true });
    }
    return out;
  }
  const rest = lines.filter((l) => !l.yaml);
  return [...rest.slice(0, height - 1), { text: `… ${rest.length - height + 1} more lines`, tone: 'dim' }];
}
