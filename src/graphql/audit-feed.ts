import type { Logger } from 'pino';
import type { AuditEntry } from '../audit/audit-entry.js';
import { matchesFilter } from '../audit/audit-filter.js';
import type { AuditFilter, AuditLog } from '../audit/audit-log.js';
import type { FlagSnapshot, SnapshotEvent } from '../flags/flag-snapshot.js';
import { BoundedStream } from './bounded-stream.js';

/** Entries one read of the log brings at most. */
const BATCH = 100;

/**
 * Live audit entries for subscribers (GraphQL `auditEntryAdded`), on every instance: it follows the
 * change feed, which already reaches every instance, through this instance's snapshot (in revision
 * order, released only once the sync has seen everything up to a revision), and reads the entries of
 * the revisions released from the AuditLog (`readAfter`, with the released revision as the settled
 * one). A change that turns up after later ones were released (its writer was slower than the sync
 * waited) is fetched on its own and delivered late rather than dropped.
 *
 * It listens to the snapshot only while someone subscribes: without audit subscribers, changes cost it
 * nothing. Each subscriber has a bounded queue; one that falls behind is cut off (SLOW_CONSUMER).
 */
export class AuditFeed {
  private readonly streams = new Set<EntryStream>();
  private stopListening: (() => void) | undefined;
  /** Every entry up to this revision has been delivered. */
  private cursor = 0;
  /** The highest released revision to deliver up to. */
  private target = 0;
  /** Revisions at or below the cursor that turned up late. */
  private readonly late = new Set<number>();
  private pumping = false;
  private closed = false;

  constructor(
    private readonly snapshot: FlagSnapshot,
    private readonly log: AuditLog,
    private readonly logger: Logger,
    private readonly maxQueued = 256,
  ) {}

  get subscriberCount(): number {
    return this.streams.size;
  }

  /** The entries matching `filter` from the next change on; registered before this returns. */
  subscribe(filter: AuditFilter): AsyncIterableIterator<AuditEntry> {
    // From the next change on: nothing at or below what this instance has already released.
    const from = this.snapshot.releasedRevision;
    const stream = new EntryStream(filter, from, this.maxQueued, () => this.remove(stream));
    if (this.closed) {
      stream.end();
      return stream;
    }
    if (this.streams.size === 0) {
      this.cursor = this.target = this.snapshot.releasedRevision;
      this.stopListening = this.snapshot.subscribe((event) => this.onEvent(event), 'revision');
    }
    this.streams.add(stream);
    return stream;
  }

  close(): void {
    this.closed = true;
    for (const stream of [...this.streams]) stream.end();
  }

  private remove(stream: EntryStream): void {
    if (!this.streams.delete(stream) || this.streams.size > 0) return;
    this.stopListening?.();
    this.stopListening = undefined;
    this.late.clear();
  }

  private onEvent(event: SnapshotEvent): void {
    const revisions =
      event.type === 'change' ? [event.change.revision] : event.changes.map((c) => c.revision);
    if (event.type === 'reset') this.target = Math.max(this.target, event.revision);
    for (const revision of revisions) {
      if (revision > this.cursor) this.target = Math.max(this.target, revision);
      else this.late.add(revision);
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.streams.size > 0 && (this.cursor < this.target || this.late.size > 0)) {
        for (const revision of [...this.late]) {
          this.late.delete(revision);
          const { entries } = await this.log.readAfter(revision - 1, 1, revision);
          this.deliver(entries.filter((entry) => entry.revision === revision));
        }
        if (this.cursor >= this.target) continue;
        const batch = await this.log.readAfter(this.cursor, BATCH, this.target);
        this.deliver(batch.entries);
        if (batch.through <= this.cursor) break;
        this.cursor = batch.through;
      }
    } catch (err) {
      // The store failed: what was not delivered is tried again with the next change.
      this.logger.warn({ err }, 'audit subscription could not read the audit history');
    } finally {
      this.pumping = false;
    }
  }

  private deliver(entries: readonly AuditEntry[]): void {
    for (const entry of entries)
      for (const stream of [...this.streams])
        if (entry.revision > stream.from && matchesFilter(stream.filter, entry)) stream.push(entry);
  }
}

/** One subscriber's bounded queue of entries, with what it asked for. */
class EntryStream extends BoundedStream<AuditEntry> {
  constructor(
    readonly filter: AuditFilter,
    readonly from: number,
    limit: number,
    onEnd: () => void,
  ) {
    super(limit, onEnd);
  }
}
