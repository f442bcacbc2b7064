import type { RecordKind } from '../flags/flag.js';
import type { AuditAction, AuditEntry } from './audit-entry.js';

/**
 * Which entries a query wants; every field given must hold (AND). Bounds are inclusive. Times are
 * compared as ISO-8601 UTC strings of the entries' `at`.
 */
export interface AuditFilter {
  readonly entity?: RecordKind | undefined;
  /** An entity's own key (with `entity`): one flag's, segment's or environment's history. */
  readonly key?: string | undefined;
  /** Entries whose `environments` hold it. */
  readonly environment?: string | undefined;
  readonly actor?: string | undefined;
  /** Any of these actions. */
  readonly actions?: readonly AuditAction[] | undefined;
  readonly sinceRevision?: number | undefined;
  readonly untilRevision?: number | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
}

/** One page of {@link AuditLog.query}: newest first. */
export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  /** Pass it back (with the same filter) for the next, older page; null when there is none. */
  readonly nextCursor: string | null;
  /**
   * True when the answer ends at the retention horizon rather than at the start of history: entries the
   * filter would have matched may have been purged. A cursor that points into the purged range answers
   * an empty page with `truncated: true` (never an error, never a silent skip).
   */
  readonly truncated: boolean;
}

/** One batch of {@link AuditLog.readAfter}: revision order. */
export interface AuditBatch {
  /** Entries with revisions above the one asked for, ascending, at most the limit. */
  readonly entries: readonly AuditEntry[];
  /**
   * The revision to resume from: every entry with a revision in (asked, through] that will ever exist
   * is in `entries` (none can still commit there). At least the asked revision; with no entries it may
   * still move forward over revisions that never committed.
   */
  readonly through: number;
  /** True when entries after the asked revision were purged by retention before they could be read. */
  readonly truncated: boolean;
}

/** How far back the history reaches. */
export interface RetentionHorizon {
  /** Every entry at or below this revision was purged (0: none ever was); every one above is kept. */
  readonly purgedThrough: number;
  /** The oldest entry kept, if any. */
  readonly oldest: { readonly revision: number; readonly at: string } | null;
}

/**
 * The audit history of one store: read-only. Entries are written only by the store, in the same atomic
 * write as the change they record (see each store's AuditLog for how), so there is no `append`.
 *
 * Built to be built on: a webhook outbox keeps a delivered revision per endpoint and calls
 * `readAfter(delivered)` then saves `through`; time travel undoes the entries after a revision from
 * their `before` states (or replays `after` states) within {@link oldestRetained}; promotion is a write
 * path like any other and records `promote` entries.
 */
export interface AuditLog {
  /**
   * Entries matching `filter`, newest first, at most `limit` (1 to 500). `cursor` is a previous page's
   * `nextCursor` for the same filter (VALIDATION_FAILED for one this log did not issue, or issued for
   * another filter). Pages are stable under concurrent writes: a cursor is a revision bound, and new
   * entries only ever take higher revisions than any it has passed.
   */
  query(filter: AuditFilter, limit: number, cursor?: string): Promise<AuditPage>;
  /**
   * Entries after `revision` in revision order, at most `limit`, read from an index on revision. Exact:
   * it never returns an entry above a revision that may still commit (MongoDB commits out of revision
   * order across records; see `through`). `settledThrough`, when given, is the caller's word that every
   * revision up to it has committed or never will (e.g. the change feed released it), which lets the
   * answer go that far without waiting for the log's own proof.
   */
  readAfter(revision: number, limit: number, settledThrough?: number): Promise<AuditBatch>;
  oldestRetained(): Promise<RetentionHorizon>;
}

/** What retention keeps (AUDIT_RETENTION_DAYS, AUDIT_RETENTION_COUNT). */
export interface RetentionPolicy {
  /** Entries older than this (by `at`) may go. */
  readonly maxAgeMs: number;
  /** At most this many of the newest entries are kept. */
  readonly maxCount: number;
}

/** One bounded purge's outcome. */
export interface PurgeOutcome {
  readonly purged: number;
  /** More is due: the purge stopped at its bound. */
  readonly more: boolean;
}

/** The most entries one purge removes: bounded work, so a purge never stalls a store. */
export const PURGE_BATCH = 1000;

/** The most entries one query page or readAfter batch returns. */
export const MAX_AUDIT_PAGE = 500;
