import { compareByKey, type FlagChange, type StoredRecord } from '../flags/flag.js';
import type { FlagCache, FlagSet } from './flag-cache.js';

/**
 * The single-process cache: the same semantics as the Redis one (see {@link FlagCache}), in memory.
 * Useful where one instance runs alone and in unit tests.
 */
export class MemoryFlagCache implements FlagCache {
  private readonly flags = new Map<string, StoredRecord>();
  /** Revision of the latest change applied per key, kept after a delete so a late upsert cannot resurrect it. */
  private readonly revisions = new Map<string, number>();
  /** Revision of the last fill (undefined: never filled): everything at or below it is reflected already. */
  private filled: number | undefined;
  private revision = 0;

  async load(): Promise<FlagSet | null> {
    if (this.filled === undefined) return null;
    return { flags: [...this.flags.values()].sort(compareByKey), revision: this.revision };
  }

  async fill(set: FlagSet): Promise<void> {
    this.flags.clear();
    this.revisions.clear();
    for (const flag of set.flags) {
      this.flags.set(flag.key, flag);
      this.revisions.set(flag.key, flag.revision);
    }
    this.filled = set.revision;
    this.revision = set.revision;
  }

  /**
   * Ignored until the first fill: a cache holding one changed flag must not pass for the whole set
   * (load would answer it as if it were everything).
   */
  async apply(change: FlagChange): Promise<void> {
    if (this.filled === undefined) return;
    if (change.revision <= Math.max(this.filled, this.revisions.get(change.key) ?? 0)) return;
    if (change.kind === 'upsert') this.flags.set(change.key, change.flag);
    else this.flags.delete(change.key);
    this.revisions.set(change.key, change.revision);
    this.revision = Math.max(this.revision, change.revision);
  }

  async close(): Promise<void> {}
}
