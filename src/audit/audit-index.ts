import { decodeCursor, encodeCursor } from './audit-cursor.js';
import type { AuditEntry } from './audit-entry.js';
import { type AuditEntryHead, matchesFilter } from './audit-filter.js';
import {
  type AuditBatch,
  type AuditFilter,
  type AuditLog,
  type AuditPage,
  PURGE_BATCH,
  type RetentionHorizon,
  type RetentionPolicy,
} from './audit-log.js';

/** Entries were purged between finding them in the index and reading them: look them up again. */
export class EntriesGoneError extends Error {
  override name = 'EntriesGoneError';
}

/** An entry's head (what filters read) and where its whole entry is (in memory, or a place in a file). */
export type IndexRow<L> = AuditEntryHead & { readonly locator: L };

/** The head of `entry`, to index it with `locator`. */
export function rowOf<L>(entry: AuditEntry, locator: L): IndexRow<L> {
  const { revision, at, actor, action, entity, key, environments } = entry;
  return { revision, at, actor, action, entity, key, environments, locator };
}

/**
 * The entries of a single-process store (memory, embedded file), in revision order, in memory: the
 * heads only (the file store keeps the entries on disk). Revisions there are taken at commit, one by
 * one, so the index grows at its end only.
 */
export class AuditIndex<L> {
  private rows: IndexRow<L>[] = [];
  /** Rows before this one are purged (dropped lazily, so a purge costs no array copy each time). */
  private start = 0;
  private purged = 0;

  constructor(purgedThrough = 0) {
    this.purged = purgedThrough;
  }

  get purgedThrough(): number {
    return this.purged;
  }

  get size(): number {
    return this.rows.length - this.start;
  }

  /** Adds the row of a committed change: the highest revision yet (the same one again replaces it). */
  add(row: IndexRow<L>): void {
    if (row.revision <= this.purged) return;
    const last = this.rows.at(-1);
    if (last && row.revision === last.revision) this.rows[this.rows.length - 1] = row;
    else if (!last || row.revision > last.revision) this.rows.push(row);
    else throw new Error(`audit entry ${row.revision} arrived after ${last.revision}`);
  }

  /** The kept rows, oldest first (a live view: do not hold it across writes). */
  kept(): readonly IndexRow<L>[] {
    return this.start === 0 ? this.rows : this.rows.slice(this.start);
  }

  /** Position of the first kept row whose revision is at least `revision`. */
  private lowerBound(revision: number): number {
    let lo = this.start;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.rows[mid] as IndexRow<L>).revision < revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rows matching `filter` with revisions below `below`, newest first, up to `limit + 1`. */
  newestFirst(filter: AuditFilter, below: number, limit: number): IndexRow<L>[] {
    const out: IndexRow<L>[] = [];
    const floor = filter.sinceRevision ?? 0;
    const from = Math.min(this.lowerBound(below), this.lowerBound((filter.untilRevision ?? Infinity) + 1));
    for (let i = from - 1; i >= this.start && out.length <= limit; i--) {
      const row = this.rows[i] as IndexRow<L>;
      if (row.revision < floor) break;
      if (matchesFilter(filter, row)) out.push(row);
    }
    return out;
  }

  /** Rows with revisions above `revision`, oldest first, at most `limit`. */
  after(revision: number, limit: number): IndexRow<L>[] {
    const from = this.lowerBound(revision + 1);
    return this.rows.slice(from, from + limit);
  }

  /**
   * The revision through which `policy` lets entries go, bounded to {@link PURGE_BATCH} entries: the
   * longest run of oldest entries that are each too old or beyond the newest `maxCount`. Purging only
   * ever cuts such a prefix, so what is kept is every entry after one revision.
   */
  purgeTarget(policy: RetentionPolicy, now: number): { through: number; more: boolean } {
    const cutoff = new Date(now - policy.maxAgeMs).toISOString();
    const overCount = Math.max(0, this.size - policy.maxCount);
    let end = this.start;
    while (end < this.rows.length) {
      const row = this.rows[end] as IndexRow<L>;
      if (end - this.start >= overCount && row.at >= cutoff) break;
      end++;
    }
    const bounded = Math.min(end, this.start + PURGE_BATCH);
    const through = bounded > this.start ? (this.rows[bounded - 1] as IndexRow<L>).revision : this.purged;
    return { through, more: bounded < end };
  }

  /** Drops every row at or below `through`, and answers them (their files may go). */
  purgeThrough(through: number): IndexRow<L>[] {
    if (through <= this.purged) return [];
    const end = this.lowerBound(through + 1);
    const dropped = this.rows.slice(this.start, end);
    this.start = end;
    this.purged = through;
    if (this.start > 1024 && this.start * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.start);
      this.start = 0;
    }
    return dropped;
  }

  horizon(): RetentionHorizon {
    const oldest = this.rows[this.start];
    return {
      purgedThrough: this.purged,
      oldest: oldest ? { revision: oldest.revision, at: oldest.at } : null,
    };
  }
}

/**
 * The {@link AuditLog} of a single-process store over its {@link AuditIndex}: `readEntries` fetches
 * whole entries for rows, `committedThrough` is the store's revision (every revision up to it committed:
 * such a store takes revisions at commit, so there are no holes and nothing in flight below it).
 */
export class IndexedAuditLog<L> implements AuditLog {
  constructor(
    private readonly index: AuditIndex<L>,
    private readonly readEntries: (rows: readonly IndexRow<L>[]) => Promise<AuditEntry[]>,
    private readonly committedThrough: () => number,
  ) {}

  async query(filter: AuditFilter, limit: number, cursor?: string): Promise<AuditPage> {
    const below = cursor === undefined ? Infinity : decodeCursor(filter, cursor);
    return this.againIfPurged(() => this.page(filter, limit, below));
  }

  readAfter(revision: number, limit: number): Promise<AuditBatch> {
    return this.againIfPurged(() => this.batch(revision, limit));
  }

  async oldestRetained(): Promise<RetentionHorizon> {
    return this.index.horizon();
  }

  // A purge between reading the index and reading the entries moved the horizon: the second look
  // answers consistently with it (a page then says `truncated`, never skips silently).
  private async againIfPurged<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (err) {
        if (!(err instanceof EntriesGoneError) || attempt === 3) throw err;
      }
    }
  }

  private async page(filter: AuditFilter, limit: number, below: number): Promise<AuditPage> {
    const rows = this.index.newestFirst(filter, below, limit);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const entries = await this.readEntries(page);
    const last = page.at(-1);
    return {
      entries,
      nextCursor: more && last ? encodeCursor(filter, last.revision) : null,
      truncated: !more && reachesPurged(filter, this.index.horizon()),
    };
  }

  private async batch(revision: number, limit: number): Promise<AuditBatch> {
    const { purgedThrough } = this.index;
    const from = Math.max(revision, purgedThrough);
    // In the same turn as the lookup: a change committed while the entries are read is not among the
    // rows, so `through` must not pass it (the next read finds it).
    const committed = this.committedThrough();
    const rows = this.index.after(from, limit);
    const entries = await this.readEntries(rows);
    const last = rows.at(-1);
    const through = rows.length === limit && last ? last.revision : Math.max(from, committed);
    return { entries, through, truncated: revision < purgedThrough };
  }
}

/**
 * Whether entries `filter` matches may lie at or below the purge horizon: something was purged, the
 * filter's revision floor does not rule it out, and its time floor is not after the oldest entry kept.
 */
export function reachesPurged(filter: AuditFilter, horizon: RetentionHorizon): boolean {
  if (horizon.purgedThrough === 0) return false;
  if (filter.sinceRevision !== undefined && filter.sinceRevision > horizon.purgedThrough) return false;
  if (filter.since !== undefined && horizon.oldest !== null && filter.since > horizon.oldest.at) return false;
  return true;
}
