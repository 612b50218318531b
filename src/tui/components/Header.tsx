// The top two lines: what is being built, where and by whom, for how long, and whether
// the result can still be trusted (tainted).
import { Box, Text } from '../ink.js';
import type { BuildProgress } from '../state/build-progress.js';
import { formatClock } from '../view/presentation.js';

export type HeaderProps = {
  readonly build: BuildProgress;
  readonly user: string;
  readonly tainted: boolean;
  /** Milliseconds since the build started (frozen when it ended). */
  readonly elapsedMs: number;
  readonly width: number;
};

export function Header({ build, user, tainted, elapsedMs, width }: HeaderProps) {
  const backend = build.backend ? `${build.backend} backend` : 'backend not chosen yet';
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Text wrap="truncate-end">
          <Text bold>debstep debug</Text> · {build.recipe ?? '…'} · {build.architecture ?? '…'} · <Text bold>{backend}</Text> · user {user} ·{' '}
          {formatClock(elapsedMs)}
          {tainted ? <Text color="yellow" bold> · TAINTED</Text> : null}
        </Text>
      </Box>
      <Text dimColor wrap="truncate-end">
        {build.backendReason ? `why ${build.backend}: ${build.backendReason}` : ' '}
        {build.workspace ? ` · workspace ${build.workspace}` : ''}
      </Text>
    </Box>
  );
}
