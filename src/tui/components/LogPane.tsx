// The log of the selected action: its last lines, following new output unless scrolled
// back. It reads the ring buffers directly; only the visible lines are ever drawn.
import { Box, Text } from '../ink.js';
import type { ActionLogs, Tone } from '../state/action-logs.js';

export type LogPaneProps = {
  readonly log: ActionLogs;
  readonly index: number;
  readonly height: number;
  readonly scroll: number;
  readonly verbose: boolean;
};

const TONES: Record<Tone, { color?: string; dimColor?: boolean }> = {
  plain: {},
  note: { dimColor: true },
  warning: { color: 'yellow' },
  error: { color: 'red' },
};

export function LogPane({ log, index, height, scroll, verbose }: LogPaneProps) {
  const window = log.window(index, height, scroll, verbose);
  const where = window.offset > 0 ? `${window.offset} lines up (PgDn goes back down)` : 'following';
  const older = window.dropped > 0 ? ` · ${window.dropped} older lines only in build.log` : '';
  return (
    <Box flexDirection="column" flexGrow={1}>
      <Text dimColor wrap="truncate-end">
        ── log of action {index} · {log.count(index, verbose)} lines · verbose {verbose ? 'on' : 'off'} · {where}
        {older} ──
      </Text>
      {window.lines.length === 0 ? <Text dimColor>(no output yet)</Text> : null}
      {window.lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" {...TONES[l.tone]}>
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
    </Box>
  );
}
