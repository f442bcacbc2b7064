import type { FlagChange, StoredRecord } from '../flags/flag.js';

/** The whole flag set at a revision. */
export interface FlagSet {
  readonly flags: StoredRecord[];
  readonly revision: number;
}

/**
 * A shared copy of every flag in front of the store: a fresh or resynchronising instance fills its
 * snapshot from here instead of the store, so a fleet restarting at once never stampedes the store.
 * Writers keep it current by write-through (`apply` after every committed change).
 */
export interface FlagCache {
  /** Everything cached with the highest revision applied, or null when the cache holds nothing. */
  load(): Promise<FlagSet | null>;
  /** Replaces the whole contents, e.g. after loading from the store. */
  fill(set: FlagSet): Promise<void>;
  /** Applies one change, only if it is newer than what the cache holds for that key. */
  apply(change: FlagChange): Promise<void>;
  close(): Promise<void>;
}
