// Key presses to intents (keymap.ts decides), handed to the debugger.
import { useInput } from '../ink.js';
import { type Intent, intentFor } from '../keymap.js';
import type { Dialog } from '../state/ui-choices.js';

export function useDebuggerKeys(onIntent: (intent: Intent) => void, dialog: Dialog['type'] | undefined, isActive = true): void {
  useInput(
    (input, key) => {
      const intent = intentFor(input, key, dialog);
      if (intent) onIntent(intent);
    },
    { isActive },
  );
}
