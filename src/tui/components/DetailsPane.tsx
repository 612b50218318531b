// The selected action in detail: its place in the recipe, its YAML, and the last command
// it ran with environment, chroot or host, and exit status. The lines come fitted to the
// height (fitDetails).
import { Box, Text } from '../ink.js';
import type { DetailLine } from '../view/presentation.js';

export type DetailsPaneProps = {
  readonly lines: readonly DetailLine[];
  readonly height: number;
};

export function DetailsPane({ lines, height }: DetailsPaneProps) {
  if (height <= 0) return null;
  return (
    <Box flexDirection="column" height={height} flexShrink={0}>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate-end" bold={l.tone === 'title'} dimColor={l.tone === 'dim'} color={l.tone === 'error' ? 'red' : undefined}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
