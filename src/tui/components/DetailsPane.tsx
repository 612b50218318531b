// The selected action in detail: its place in the recipe, its YAML, and the last command
// it ran with environment, chroot or host, and exit status.
import { Box, Text } from 'ink';
import { type DetailLine } from '../view-model.js';

export type DetailsPaneProps = {
  readonly lines: readonly DetailLine[];
  readonly height: number;
};

export function DetailsPane({ lines, height }: DetailsPaneProps) {
  if (height <= 0) return null;
  const shown = lines.length > height ? [...lines.slice(0, height - 1), { text: `… ${lines.length - height + 1} more lines (d hides this pane)`, tone: 'dim' as const }] : lines;
  return (
    <Box flexDirection="column" height={height} flexShrink={0}>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate-end" bold={l.tone === 'title'} dimColor={l.tone === 'dim'} color={l.tone === 'error' ? 'red' : undefined}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
