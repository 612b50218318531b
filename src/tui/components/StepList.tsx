// The numbered actions with their state, breakpoint marks and times; the selected one
// inverted. Scrolls to keep the selection in view.
import { Box, Text } from '../ink.js';
import { listStart } from '../view/layout.js';
import type { StepRow } from '../view/presentation.js';

export type StepListProps = {
  readonly rows: readonly StepRow[];
  readonly width: number;
  readonly height: number;
};

const COLORS: Partial<Record<StepRow['status'], string>> = { running: 'yellow', paused: 'cyan', done: 'green', failed: 'red', skipped: 'magenta' };

export function StepList({ rows, width, height }: StepListProps) {
  const selected = Math.max(0, rows.findIndex((r) => r.selected));
  const start = listStart(rows.length, selected, height);
  const numberWidth = String(rows.length).length;
  const kindWidth = Math.min(12, Math.max(0, ...rows.map((r) => r.kind.length)));
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      {rows.slice(start, start + height).map((r) => (
        <Box key={r.index} width={width}>
          <Box flexGrow={1} flexShrink={1}>
            <Text inverse={r.selected} wrap="truncate-end">
              <Text color="red">{r.breakpoint ? '●' : ' '}</Text>
              {String(r.index).padStart(numberWidth)} <Text color={COLORS[r.status]}>{r.glyph}</Text> {r.kind.padEnd(kindWidth)} {r.description}
            </Text>
          </Box>
          {r.time ? <Text dimColor> {r.time} </Text> : <Text> </Text>}
        </Box>
      ))}
    </Box>
  );
}
