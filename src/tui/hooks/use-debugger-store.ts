// The store's snapshot as React state: re-renders when the store says it changed.
import { useSyncExternalStore } from 'react';
import type { DebuggerStore, Snapshot } from '../state/debugger-store.js';

export function useDebuggerStore(store: DebuggerStore): Snapshot {
  return useSyncExternalStore(store.subscribe, store.snapshot);
}
