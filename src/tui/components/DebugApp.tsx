// The debugger's screen: header, action list, details and log of the selected action,
// status and keys. Pure over the store's snapshot; key presses become intents for the
// debugger, which owns every side effect.
import { Box } from '../ink.js';
import type { DebuggerStore } from '../state/debugger-store.js';
import { useClock } from '../hooks/use-clock.js';
import { useDebuggerStore } from '../hooks/use-debugger-store.js';
import { useDebuggerKeys } from '../hooks/use-debugger-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import type { Intent } from '../keymap.js';
import { screenLayout } from '../view/layout.js';
import { statusLine, stepRows } from '../view/presentation.js';
import { DetailsPane } from './DetailsPane.js';
import { Header } from './Header.js';
import { LogPane } from './LogPane.js';
import { StatusBar } from './StatusBar.js';
import { StepList } from './StepList.js';

export type DebugAppProps = {
  readonly store: DebuggerStore;
  readonly onIntent: (intent: Intent) => void;
};

export function DebugApp({ store, onIntent }: DebugAppProps) {
  const snap = useDebuggerStore(store);
  const size = useTerminalSize();
  const { build, control, ui } = snap;
  const now = useClock(build.end === undefined);
  useDebuggerKeys(onIntent, ui.dialog?.type);
  const layout = screenLayout(snap, size);
  const elapsed = build.end ? build.end.durationMs : build.startedAt !== undefined ? now - build.startedAt : 0;
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      <Header build={build} user={snap.user} tainted={control.tainted || build.end?.tainted === true} elapsedMs={elapsed} width={layout.width} />
      <Box flexDirection="row" height={layout.bodyHeight}>
        <StepList rows={stepRows(build, control, snap.sources, ui.cursor, now)} width={layout.listWidth} height={layout.bodyHeight} />
        <Box flexDirection="column" flexGrow={1} flexShrink={1} marginLeft={1}>
          <DetailsPane lines={layout.details} height={layout.detailsHeight} />
          <LogPane log={store.log} index={ui.cursor} height={layout.logHeight} scroll={ui.scroll} verbose={ui.verbose} />
        </Box>
      </Box>
      <StatusBar status={statusLine(build, control, ui.quitting)} message={layout.message} messageTone={ui.message?.tone} dialog={ui.dialog} keyBar={layout.keyBar} />
    </Box>
  );
}
