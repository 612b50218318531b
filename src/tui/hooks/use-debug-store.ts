// The store's snapshot as React state: re-renders when the store says it changed.
import { useSyncExternalStore } from 'react';
import { type DebugStore, type Snapshot } from '../debug-store.js';

export function useDebugStore(store: DebugStore): Snapshot {
  return useSyncExternalStore(store.subscribe, store.snapshot);
}
