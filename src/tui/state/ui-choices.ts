// What the person at the debugger chose to look at, as a pure reducer: the selected
// action, whether the selection follows the build, verbosity, log scrolling, the open
// question and the last message. Kept outside React so a remount (after a shell) keeps it.

export type Dialog =
  /** Quitting: keep the workspace for `debstep shell`, or discard it? */
  | { readonly type: 'quit' }
  /** An edit changed an action that already ran: rewind to it? */
  | { readonly type: 'rewind'; readonly index: number; readonly description: string };

export interface Message {
  readonly text: string;
  readonly tone: 'info' | 'error';
}

export interface UiChoices {
  /** The selected plan index (1-based); 0 when the plan is empty. */
  readonly cursor: number;
  /** The selection moves to the running or paused action until the user moves it. */
  readonly follow: boolean;
  readonly verbose: boolean;
  /** Log lines scrolled up from the end; 0 follows new output. */
  readonly scroll: number;
  readonly details: boolean;
  readonly dialog?: Dialog;
  readonly message?: Message;
  /** The user asked to quit; the debugger ends when the build has. */
  readonly quitting: boolean;
}

export type UiEvent =
  | { readonly type: 'move'; readonly delta: number; readonly count: number }
  /** Scrolls the log by `delta` lines (positive: back in time), up to `max`. */
  | { readonly type: 'scroll'; readonly delta: number; readonly max: number }
  /** The build reached this action (started or paused): the selection follows if it should. */
  | { readonly type: 'reached'; readonly index: number; readonly force?: boolean }
  /** The user resumed the build: the selection follows it again. */
  | { readonly type: 'follow' }
  | { readonly type: 'toggle-verbose' }
  | { readonly type: 'toggle-details' }
  | { readonly type: 'dialog'; readonly dialog: Dialog | undefined }
  | { readonly type: 'message'; readonly message: Message | undefined }
  | { readonly type: 'quitting' };

export function initialUi(opts: { verbose: boolean; count: number }): UiChoices {
  return { cursor: opts.count > 0 ? 1 : 0, follow: true, verbose: opts.verbose, scroll: 0, details: true, quitting: false };
}

export function reduceUi(ui: UiChoices, e: UiEvent): UiChoices {
  switch (e.type) {
    case 'move': {
      const cursor = Math.max(Math.min(1, e.count), Math.min(e.count, ui.cursor + e.delta));
      return cursor === ui.cursor ? ui : { ...ui, cursor, follow: false, scroll: 0 };
    }
    case 'scroll':
      return { ...ui, scroll: Math.max(0, Math.min(e.max, ui.scroll + e.delta)) };
    case 'reached':
      if (!ui.follow && !e.force) return ui;
      return ui.cursor === e.index && ui.follow ? ui : { ...ui, cursor: e.index, follow: true, scroll: 0 };
    case 'follow':
      return { ...ui, follow: true };
    case 'toggle-verbose':
      return { ...ui, verbose: !ui.verbose, scroll: 0 };
    case 'toggle-details':
      return { ...ui, details: !ui.details };
    case 'dialog': {
      const { dialog: _old, ...rest } = ui;
      return e.dialog ? { ...rest, dialog: e.dialog } : rest;
    }
    case 'message': {
      const { message: _old, ...rest } = ui;
      return e.message ? { ...rest, message: e.message } : rest;
    }
    case 'quitting':
      return { ...ui, quitting: true };
  }
}
