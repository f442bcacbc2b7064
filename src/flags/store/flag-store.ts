import type { AuditNote } from '../../audit/audit-entry.js';
import type { AuditLog, PurgeOutcome, RetentionPolicy } from '../../audit/audit-log.js';
import type { FlagChange, FlagFields, StoredRecord } from '../flag.js';

/**
 * The outcome of a conditional write. `missing` and `stale` are ordinary answers, not exceptions: the
 * service decides whether they mean "404", "412" or "read again and retry".
 */
export type WriteResult =
  | { readonly status: 'ok'; readonly change: FlagChange }
  | { readonly status: 'missing' }
  | { readonly status: 'stale'; readonly currentVersion: number };

/**
 * Where flags live: the source of truth. Every successful write takes the next value of a revision
 * counter shared by all users of the same store and returns the change it committed. Implementations
 * throw {@link StoreUnavailableError} when they cannot reach their backend.
 *
 * Every write takes an {@link AuditNote} (who, why, which action) and commits the change's audit entry
 * in the same atomic write as the change: an entry exists if and only if its change committed. There is
 * no other way to write either.
 */
export interface FlagStore {
  /** Every flag whose key starts with `prefix` ('' for all), sorted by key. */
  list(prefix: string): Promise<StoredRecord[]>;
  get(key: string): Promise<StoredRecord | null>;
  /** Creates a flag at version 1; `exists` when the key is taken (never overwrites). */
  insert(
    key: string,
    fields: FlagFields,
    note: AuditNote,
  ): Promise<{ status: 'ok'; change: FlagChange } | { status: 'exists' }>;
  /** Replaces the fields only if the flag is still at `expectedVersion`; the version becomes +1. */
  update(key: string, expectedVersion: number, fields: FlagFields, note: AuditNote): Promise<WriteResult>;
  /** Deletes the flag; with `expectedVersion`, only if it is still at that version. */
  remove(key: string, expectedVersion: number | undefined, note: AuditNote): Promise<WriteResult>;
  /** The audit history of this store's changes (read-only: entries are written by the writes above). */
  readonly audit: AuditLog;
  /**
   * Purges audit entries `policy` no longer keeps, at most PURGE_BATCH of them (bounded work;
   * `more` says another call is due). Only ever a prefix in revision order. `now` (epoch ms) is when
   * ages are measured from: by default, the store's clock.
   */
  purgeAudit(policy: RetentionPolicy, now?: number): Promise<PurgeOutcome>;
  /**
   * The highest revision taken (0 for a store that never changed). Every committed change has a
   * revision <= it, but it may be ahead of the newest committed change: a write that lost its
   * conditional check, or is still in flight, has already taken (burned) a revision in a store whose
   * counter is shared (MongoDB). So no change committed before the call has a higher revision, while
   * one with a revision at or below it may still be about to commit.
   */
  currentRevision(): Promise<number>;
  /**
   * A stable id of this store's data, persisted with it: every process that opens the same data (the
   * same MongoDB database, the same embedded data file) answers the same id, any other store another.
   * Instances sharing a Redis bus compare it to refuse a second store behind the same bus.
   */
  identity(): Promise<string>;
  /** Resolves when the backend answers; rejects otherwise. Used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
