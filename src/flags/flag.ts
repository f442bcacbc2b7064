/** A feature flag as stored and served. Timestamps are ISO-8601 strings in UTC. */
export interface Flag {
  readonly key: string;
  readonly isEnabled: boolean;
  readonly description: string;
  /** Starts at 1 and grows by one on every change to this flag. */
  readonly version: number;
  /** The global revision of this flag's latest change (see {@link FlagChange}). */
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The fields a writer controls. */
export interface FlagFields {
  readonly isEnabled: boolean;
  readonly description: string;
}

/**
 * One committed change. `revision` comes from a counter shared by every instance using the same store:
 * it only grows, so a listener that sees it jump knows it missed something. Revisions are unique but
 * may have holes (a MongoDB write that loses its version race has already taken one).
 */
export type FlagChange =
  | { readonly kind: 'upsert'; readonly key: string; readonly revision: number; readonly flag: Flag }
  | { readonly kind: 'delete'; readonly key: string; readonly revision: number; readonly version: number };

/** Deterministic order for every listing: by key, in code-unit order (locale-independent). */
export function compareByKey(a: Flag, b: Flag): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The flags whose key starts with `prefix` ('' for all), sorted by key. */
export function listByPrefix(flags: Iterable<Flag>, prefix: string): Flag[] {
  const out: Flag[] = [];
  for (const flag of flags) if (flag.key.startsWith(prefix)) out.push(flag);
  return out.sort(compareByKey);
}
