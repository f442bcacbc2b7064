import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { FlagListState, FlagListStore } from './flag-list-store';

const StoreContext = createContext<FlagListStore | undefined>(undefined);

export function FlagListProvider({ store, children }: { store: FlagListStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useFlagListStore(): FlagListStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useFlagListStore outside <FlagListProvider>');
  return store;
}

/** The live flag list (re-renders on every change). */
export function useFlagList(): FlagListState {
  const store = useFlagListStore();
  return useSyncExternalStore(store.subscribe, store.snapshot);
}
