// Where everything goes on the screen, as pure functions of the terminal size and the
// state: the App draws with it, and paging the log uses the same log height.
import type { Snapshot } from '../state/debugger-store.js';
import { NAVIGATION_KEYS } from '../keymap.js';
import { type DetailLine, detailLines, enabledKeys, fitDetails, KEY_LABELS } from './presentation.js';

export interface Size {
  readonly columns: number;
  readonly rows: number;
}

export interface KeyItem {
  readonly key: string;
  readonly label: string;
  readonly enabled: boolean;
}

export interface Layout {
  readonly width: number;
  /** One row short of the terminal: a frame as tall as the terminal makes Ink clear the screen on every redraw. */
  readonly height: number;
  readonly listWidth: number;
  readonly bodyHeight: number;
  readonly details: readonly DetailLine[];
  readonly detailsHeight: number;
  readonly logHeight: number;
  readonly message: readonly string[];
  readonly keyBar: readonly (readonly KeyItem[])[];
}

export const HEADER_HEIGHT = 2;
const MAX_MESSAGE_LINES = 3;

/** Key items in rows that fit `width`, two spaces apart. */
export function keyBarLines(items: readonly KeyItem[], width: number): KeyItem[][] {
  const lines: KeyItem[][] = [];
  let line: KeyItem[] = [];
  let used = 0;
  for (const item of items) {
    const len = item.key.length + 1 + item.label.length;
    if (line.length > 0 && used + 2 + len > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    used += (line.length > 0 ? 2 : 0) + len;
    line.push(item);
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** The first row to show of a list of `count` so that `selected` (0-based) is visible, kept near the middle. */
export function listStart(count: number, selected: number, height: number): number {
  if (count <= height) return 0;
  return Math.max(0, Math.min(count - height, selected - Math.floor(height / 2)));
}

export function screenLayout(snap: Snapshot, size: Size): Layout {
  const width = Math.max(20, size.columns);
  const height = Math.max(6, size.rows - 1);
  const enabled = enabledKeys(snap.build, snap.control, snap.ui.quitting);
  const items: KeyItem[] = [
    ...KEY_LABELS.map((k) => ({ ...k, enabled: enabled.has(k.key) })),
    ...NAVIGATION_KEYS.map((k) => ({ ...k, enabled: true })),
  ];
  const keyBar = keyBarLines(items, width);
  const message = (snap.ui.message?.text.split('\n') ?? []).slice(0, MAX_MESSAGE_LINES);
  // The status line, or a question and its answers.
  const status = snap.ui.dialog ? 2 : 1;
  const bodyHeight = Math.max(1, height - HEADER_HEIGHT - status - message.length - keyBar.length);
  const listWidth = Math.min(60, Math.max(28, Math.floor(width * 0.4)));
  const step = snap.build.steps.find((s) => s.index === snap.ui.cursor);
  const all = snap.ui.details && step ? detailLines(step, snap.sources.get(step.index)) : [];
  // The log keeps at least half the right column: it is what moves.
  const detailsHeight = Math.min(all.length, Math.floor((bodyHeight - 1) / 2));
  const details = fitDetails(all, detailsHeight);
  const logHeight = Math.max(0, bodyHeight - detailsHeight - 1);
  return { width, height, listWidth, bodyHeight, details, detailsHeight, logHeight, message, keyBar };
}
