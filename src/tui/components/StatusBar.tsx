// The bottom: what the build is doing, the last message or the open question, and the
// keys, with those that do nothing right now dimmed.
import { Box, Text } from '../ink.js';
import { DIALOG_KEYS } from '../keymap.js';
import type { KeyItem } from '../view/layout.js';
import type { Dialog, Message } from '../state/ui-choices.js';
import type { StatusLine } from '../view/presentation.js';

export type StatusBarProps = {
  readonly status: StatusLine;
  readonly message: readonly string[];
  readonly messageTone: Message['tone'] | undefined;
  readonly dialog: Dialog | undefined;
  readonly keyBar: readonly (readonly KeyItem[])[];
};

const STATUS_COLORS: Record<StatusLine['tone'], string | undefined> = { info: undefined, paused: 'cyan', error: 'red', done: 'green' };

function question(dialog: Dialog): string {
  return dialog.type === 'quit'
    ? 'Quit: keep the workspace (for debstep shell) or discard it?'
    : `That edit changed action ${dialog.index} (${dialog.description}), which already ran. Rewind to it and run again from there?`;
}

export function StatusBar({ status, message, messageTone, dialog, keyBar }: StatusBarProps) {
  return (
    <Box flexDirection="column">
      {dialog ? (
        <>
          <Text wrap="truncate-end" bold color="yellow">
            {question(dialog)}
          </Text>
          <Text wrap="truncate-end">
            {DIALOG_KEYS[dialog.type].map((k, i) => (
              <Text key={k.key}>
                {i > 0 ? '  ' : ''}
                <Text bold inverse>
                  {k.key}
                </Text>{' '}
                {k.label}
              </Text>
            ))}
          </Text>
        </>
      ) : (
        <Text wrap="truncate-end" bold color={STATUS_COLORS[status.tone]}>
          {status.text}
        </Text>
      )}
      {message.map((m, i) => (
        <Text key={i} wrap="truncate-end" color={messageTone === 'error' ? 'red' : 'green'}>
          {m}
        </Text>
      ))}
      {keyBar.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.map((k, j) => (
            <Text key={k.key} dimColor={!k.enabled}>
              {j > 0 ? '  ' : ''}
              <Text bold={k.enabled} inverse={k.enabled}>
                {k.key}
              </Text>{' '}
              {k.label}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
