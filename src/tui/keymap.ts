// Keys to intents, as pure tables: the same tables drive the key bar, the dialogs' hints
// and the README, so what is shown is what works.
import type { Dialog } from './state/ui-choices.js';

export type BuildCommand = 'step' | 'continue' | 'run-to' | 'pause' | 'retry' | 'skip';
export type Answer = 'keep' | 'discard' | 'cancel' | 'yes' | 'no';

export type Intent =
  /** Select another action: by `delta` rows, or to the first/last. */
  | { readonly type: 'move'; readonly delta: number }
  /** Scroll the log a page back in time (1) or forward (-1). */
  | { readonly type: 'page'; readonly direction: 1 | -1 }
  | { readonly type: 'command'; readonly command: BuildCommand }
  | { readonly type: 'breakpoint' }
  | { readonly type: 'shell'; readonly chroot: boolean }
  | { readonly type: 'edit' }
  | { readonly type: 'verbose' }
  | { readonly type: 'details' }
  | { readonly type: 'quit' }
  | { readonly type: 'answer'; readonly answer: Answer };

export interface KeyBinding {
  /** The input character; how the key bar shows it. */
  readonly key: string;
  readonly label: string;
  readonly intent: Intent;
}

/** The subset of Ink's Key this module reads. */
export interface KeyPress {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly escape?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
}

const command = (c: BuildCommand): Intent => ({ type: 'command', command: c });

export const MAIN_KEYS: readonly KeyBinding[] = [
  { key: 'n', label: 'step', intent: command('step') },
  { key: 'c', label: 'continue', intent: command('continue') },
  { key: 'g', label: 'run to selected', intent: command('run-to') },
  { key: 'p', label: 'pause', intent: command('pause') },
  { key: 'b', label: 'breakpoint', intent: { type: 'breakpoint' } },
  { key: 'r', label: 'retry', intent: command('retry') },
  { key: 'k', label: 'skip', intent: command('skip') },
  { key: 's', label: 'shell', intent: { type: 'shell', chroot: true } },
  { key: 'h', label: 'host shell', intent: { type: 'shell', chroot: false } },
  { key: 'e', label: 'edit', intent: { type: 'edit' } },
  { key: 'v', label: 'verbose', intent: { type: 'verbose' } },
  { key: 'd', label: 'details', intent: { type: 'details' } },
  { key: 'q', label: 'quit', intent: { type: 'quit' } },
];

/** Keys that are not letters, for the key bar and the README. */
export const NAVIGATION_KEYS: readonly { readonly key: string; readonly label: string }[] = [
  { key: '↑↓', label: 'select' },
  { key: 'PgUp/PgDn', label: 'scroll log' },
];

const answer = (a: Answer): Intent => ({ type: 'answer', answer: a });

export const DIALOG_KEYS: Readonly<Record<Dialog['type'], readonly KeyBinding[]>> = {
  quit: [
    { key: 'k', label: 'keep the workspace', intent: answer('keep') },
    { key: 'd', label: 'discard it', intent: answer('discard') },
    { key: 'Esc', label: 'cancel', intent: answer('cancel') },
  ],
  rewind: [
    { key: 'y', label: 'rewind', intent: answer('yes') },
    { key: 'n', label: 'not now', intent: answer('no') },
  ],
};

/** What a key press means, with `dialog` open or not; undefined for keys that mean nothing. */
export function intentFor(input: string, key: KeyPress, dialog?: Dialog['type']): Intent | undefined {
  const ctrlC = key.ctrl === true && input === 'c';
  if (dialog) {
    // Ctrl-C twice quits and keeps the workspace: nothing is lost by a reflex.
    if (ctrlC) return dialog === 'quit' ? answer('keep') : answer('no');
    if (key.escape) return dialog === 'quit' ? answer('cancel') : answer('no');
    return DIALOG_KEYS[dialog].find((b) => b.key === input)?.intent;
  }
  if (ctrlC) return { type: 'quit' };
  if (key.ctrl || key.meta) return undefined;
  if (key.upArrow) return { type: 'move', delta: -1 };
  if (key.downArrow) return { type: 'move', delta: 1 };
  if (key.home) return { type: 'move', delta: -Infinity };
  if (key.end) return { type: 'move', delta: Infinity };
  if (key.pageUp) return { type: 'page', direction: 1 };
  if (key.pageDown) return { type: 'page', direction: -1 };
  return MAIN_KEYS.find((b) => b.key === input)?.intent;
}
