import mongoose, { type Connection, type Model } from 'mongoose';
import { decodeCursor, encodeCursor } from '../../audit/audit-cursor.js';
import type { AuditEntry } from '../../audit/audit-entry.js';
import { reachesPurged } from '../../audit/audit-index.js';
import {
  type AuditBatch,
  type AuditFilter,
  type AuditLog,
  type AuditPage,
  PURGE_BATCH,
  type PurgeOutcome,
  type RetentionHorizon,
  type RetentionPolicy,
} from '../../audit/audit-log.js';
import type { Deadline } from './deadline.js';
import { abortable, driverCollection, isDuplicateKey } from './mongo-driver.js';
import { SettleHorizon } from './settle-horizon.js';

/*
 * How a MongoDB change and its audit entry commit together, with no multi-document transaction.
 *
 * The commit point is the one conditional write of the record's document (flags collection): it sets
 * the new state AND carries the change's entry (`auditEntry`, JSON, with `auditPending: <revision>`).
 * MongoDB writes one document atomically, so the entry is on the record if and only if the change
 * committed. The entry is then *drained* into the `audit` collection, keyed by revision (`_id`), and
 * cleared from the record:
 *
 *   1. insertOne({_id: revision, ...}) into `audit`; E11000 means it is there already: idempotent, so any
 *      number of drainers may race, and a drain repeated after a crash is harmless.
 *   2. updateOne({_id: key, auditPending: revision}, $unset the pending fields): clears only that entry.
 *
 * A crash after the commit leaves the entry pending on the record, never lost: it is drained by the next
 * write to the record (which must drain it before its own write replaces the document: its write is
 * pinned to the exact revision it read and drained, so it cannot overwrite an entry it did not drain),
 * by every reader of the history (each read drains pending entries first), by a store opening, and by
 * the periodic purge. A crash before the commit leaves no entry anywhere. So `audit` plus the pending
 * entries are exactly the committed changes, and every read sees all of them.
 *
 * A delete's tombstone carries its entry the same way; it gets `deletedAt` (which the TTL index and the
 * tombstone purge go by) only when drained, so no tombstone holding an undrained entry ever expires.
 */

/** A drained entry: the fields filters read, and the states as JSON (their keys may hold '.' or '$'). */
interface AuditDoc {
  _id: number;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  key: string;
  environments: string[];
  comment: string | null;
  /** `promote` only: the source environment. */
  from?: string;
  before: string | null;
  after: string | null;
}

/** What the flags collection's documents carry while their latest change's entry is pending. */
export interface PendingFields {
  auditPending?: number | undefined;
  auditEntry?: string | undefined;
  deleted?: boolean | undefined;
}
type PendingDoc = PendingFields & { _id: string };

type MetaDoc = { _id: string; value: number };

const auditSchema = new mongoose.Schema<AuditDoc>(
  {
    _id: Number,
    at: Date,
    actor: String,
    action: String,
    entity: String,
    key: String,
    environments: [String],
    comment: String,
    from: String,
    before: String,
    after: String,
  },
  { versionKey: false },
);
// Revision order is the _id index; these serve the filters (each newest first).
auditSchema.index({ entity: 1, key: 1, _id: -1 });
auditSchema.index({ actor: 1, _id: -1 });
auditSchema.index({ environments: 1, _id: -1 });
auditSchema.index({ at: 1 });
const metaSchema = new mongoose.Schema<MetaDoc>({ _id: String, value: Number }, { versionKey: false });

/** Every entry at or below this revision is gone (retention, or before the history began). */
const PURGED_THROUGH = 'audit-purged-through';
/** Pending entries read at once while draining. */
const DRAIN_BATCH = 1000;

/** The fields a write sets on the record to carry `entry` (see the comment at the top). */
export function pendingFieldsOf(entry: AuditEntry): { auditPending: number; auditEntry: string } {
  return { auditPending: entry.revision, auditEntry: JSON.stringify(entry) };
}

/** The AuditLog of a MongoFlagStore; the store calls {@link drain} around its writes. */
export class MongoAuditLog implements AuditLog {
  private readonly audit: Model<AuditDoc>;
  private readonly meta: Model<MetaDoc>;
  private readonly horizon: SettleHorizon;

  constructor(
    connection: Connection,
    private readonly records: mongoose.mongo.Collection<PendingDoc>,
    private readonly run: <T>(operation: (deadline: Deadline) => Promise<T>) => Promise<T>,
    private readonly counter: (deadline: Deadline) => Promise<number>,
    timeoutMs: number,
  ) {
    this.audit = connection.model<AuditDoc>('AuditEntry', auditSchema, 'audit');
    this.meta =
      (connection.models.AuditMeta as Model<MetaDoc> | undefined) ??
      connection.model<MetaDoc>('AuditMeta', metaSchema, 'meta');
    this.horizon = new SettleHorizon(timeoutMs);
  }

  /**
   * Prepares indexes and the history's start: a database without one (new, or written before the
   * history existed) starts it at its current revision, since the changes up to there have no entries.
   * Every instance does this before it writes, so no entry can be hidden by it.
   */
  async open(deadline: Deadline): Promise<void> {
    await deadline.step(() => this.audit.createIndexes());
    const existing = await deadline.step((signal) =>
      this.meta.findById(PURGED_THROUGH, null, { signal }).lean<MetaDoc>().exec(),
    );
    if (!existing) {
      const start = await this.counter(deadline);
      try {
        await deadline.step((signal) =>
          driverCollection<MetaDoc>(this.meta).insertOne(
            { _id: PURGED_THROUGH, value: start },
            abortable(signal),
          ),
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    await this.drainAll(deadline);
  }

  /**
   * Moves the entry pending on `doc` (if any) into the `audit` collection and clears it from the record.
   * A write calls it on the document it is about to replace (before: it must not overwrite an entry not
   * yet drained) and on the one it wrote (after, best effort: readers finish it otherwise).
   */
  async drain(doc: PendingDoc, deadline: Deadline): Promise<void> {
    const { auditPending, auditEntry } = doc;
    if (auditPending === undefined || auditEntry === undefined) return;
    const entry = JSON.parse(auditEntry) as AuditEntry;
    try {
      await deadline.step((signal) =>
        driverCollection<AuditDoc>(this.audit).insertOne(docOf(entry), abortable(signal)),
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // A drained tombstone starts its grace now (see the comment at the top).
    const cleared = doc.deleted ? { $set: { deletedAt: new Date(entry.at) } } : {};
    await deadline.step((signal) =>
      this.records.updateOne(
        { _id: doc._id, auditPending },
        { ...cleared, $unset: { auditPending: 1, auditEntry: 1 } },
        abortable(signal),
      ),
    );
  }

  /** Drains what is pending (periodically: so drained tombstones take `deletedAt` and can expire). */
  drainPending(): Promise<void> {
    return this.run((deadline) => this.drainAll(deadline));
  }

  /** Drains every record with a pending entry, a batch at a time: before any read of the history. */
  async drainAll(deadline: Deadline): Promise<void> {
    for (;;) {
      const pending = await deadline.step((signal) =>
        this.records.find({ auditPending: { $exists: true } }, { signal, limit: DRAIN_BATCH }).toArray(),
      );
      for (const doc of pending) await this.drain(doc, deadline);
      if (pending.length < DRAIN_BATCH) return;
    }
  }

  async query(filter: AuditFilter, limit: number, cursor?: string): Promise<AuditPage> {
    const below = cursor === undefined ? undefined : decodeCursor(filter, cursor);
    return this.run(async (deadline) => {
      await this.drainAll(deadline);
      const purgedThrough = await this.purgedThrough(deadline);
      const revision: Record<string, number> = {
        $gt: Math.max(purgedThrough, (filter.sinceRevision ?? 0) - 1),
      };
      if (below !== undefined) revision.$lt = below;
      if (filter.untilRevision !== undefined) revision.$lte = filter.untilRevision;
      const docs = await deadline.step((signal) =>
        this.audit
          .find({ ...conditionsOf(filter), _id: revision }, null, { signal })
          .sort({ _id: -1 })
          .limit(limit + 1)
          .lean<AuditDoc[]>()
          .exec(),
      );
      const more = docs.length > limit;
      const page = (more ? docs.slice(0, limit) : docs).map(entryOf);
      const last = page.at(-1);
      const truncated = !more && reachesPurged(filter, await this.horizonOf(purgedThrough, deadline));
      return {
        entries: page,
        nextCursor: more && last ? encodeCursor(filter, last.revision) : null,
        truncated,
      };
    });
  }

  /**
   * Revision order. Holes are the catch: MongoDB commits out of revision order across records (each
   * write takes its revision, then commits), so an entry below one already committed may still come,
   * and a revision that lost its write never will. The answer stops below the first hole that is not
   * yet settled (see SettleHorizon); `settledThrough` lets a caller that knows better go further.
   */
  readAfter(revision: number, limit: number, settledThrough = 0): Promise<AuditBatch> {
    return this.run(async (deadline) => {
      // Before the drain: whatever had committed by now is drained and found below.
      const now = Date.now();
      await this.drainAll(deadline);
      const purgedThrough = await this.purgedThrough(deadline);
      const counter = await this.counter(deadline);
      this.horizon.observe(counter, Date.now());
      const from = Math.max(revision, purgedThrough);
      const docs = await deadline.step((signal) =>
        this.audit
          .find({ _id: { $gt: from } }, null, { signal })
          .sort({ _id: 1 })
          .limit(limit)
          .lean<AuditDoc[]>()
          .exec(),
      );
      const settled = Math.max(settledThrough, this.horizon.settledThrough(now));
      const entries: AuditEntry[] = [];
      let through = from;
      for (const doc of docs) {
        // The revisions between `through` and this entry are holes: pass them only once settled, or
        // once an entry above them is old enough that nothing below it can still commit.
        if (doc._id - 1 > Math.max(through, settled) && !this.horizon.vouchesBelow(doc.at.getTime(), now))
          break;
        entries.push(entryOf(doc));
        through = doc._id;
      }
      if (entries.length < limit) through = Math.max(through, Math.min(settled, counter));
      return { entries, through, truncated: revision < purgedThrough };
    });
  }

  oldestRetained(): Promise<RetentionHorizon> {
    return this.run(async (deadline) => {
      await this.drainAll(deadline);
      return this.horizonOf(await this.purgedThrough(deadline), deadline);
    });
  }

  /**
   * One bounded purge: raises the horizon first (readers ignore what lies below it at once), then
   * deletes what lies below. Safe from any number of instances at once.
   */
  purge(policy: RetentionPolicy, now: number): Promise<PurgeOutcome> {
    return this.run(async (deadline) => {
      await this.drainAll(deadline);
      const purgedThrough = await this.purgedThrough(deadline);
      const above = { _id: { $gt: purgedThrough } };
      const pick = (filter: object, order: 1 | -1, skip: number) =>
        deadline.step((signal) =>
          this.audit
            .findOne(filter, null, { signal })
            .sort({ _id: order })
            .skip(skip)
            .lean<AuditDoc>()
            .exec(),
        );
      // Beyond the newest `maxCount`, or older than the cutoff (the oldest run of them, by revision).
      const overCount = await pick(above, -1, policy.maxCount);
      const cutoff = new Date(now - policy.maxAgeMs);
      const firstYoung = await pick({ ...above, at: { $gte: cutoff } }, 1, 0);
      const newest = firstYoung ? undefined : await pick(above, -1, 0);
      let target = Math.max(overCount?._id ?? 0, firstYoung ? firstYoung._id - 1 : (newest?._id ?? 0));
      const bound = await pick(above, 1, PURGE_BATCH - 1);
      const more = bound !== null && target > bound._id;
      if (more && bound) target = bound._id;
      if (target <= purgedThrough) return { purged: 0, more: false };
      await this.raisePurgedThrough(target, deadline);
      const { deletedCount } = await deadline.step((signal) =>
        this.audit.deleteMany({ _id: { $lte: target } }, { signal }).exec(),
      );
      return { purged: deletedCount, more };
    });
  }

  private async purgedThrough(deadline: Deadline): Promise<number> {
    const doc = await deadline.step((signal) =>
      this.meta.findById(PURGED_THROUGH, null, { signal }).lean<MetaDoc>().exec(),
    );
    return doc?.value ?? 0;
  }

  private async raisePurgedThrough(target: number, deadline: Deadline): Promise<void> {
    // Only ever up: of two purges racing, the lower target changes nothing.
    await deadline.step((signal) =>
      driverCollection<MetaDoc>(this.meta).updateOne(
        { _id: PURGED_THROUGH, value: { $lt: target } },
        { $set: { value: target } },
        abortable(signal),
      ),
    );
  }

  private async horizonOf(purgedThrough: number, deadline: Deadline): Promise<RetentionHorizon> {
    const oldest = await deadline.step((signal) =>
      this.audit
        .findOne({ _id: { $gt: purgedThrough } }, null, { signal })
        .sort({ _id: 1 })
        .lean<AuditDoc>()
        .exec(),
    );
    return { purgedThrough, oldest: oldest ? { revision: oldest._id, at: oldest.at.toISOString() } : null };
  }
}

/** The MongoDB query for a filter's conditions other than revision (matchesFilter's, exactly). */
function conditionsOf(filter: AuditFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.entity !== undefined) query.entity = filter.entity;
  if (filter.key !== undefined) query.key = filter.key;
  if (filter.environment !== undefined) query.environments = filter.environment;
  if (filter.actor !== undefined) query.actor = filter.actor;
  if (filter.actions !== undefined) query.action = { $in: [...filter.actions] };
  const at: Record<string, Date> = {};
  if (filter.since !== undefined) at.$gte = new Date(filter.since);
  if (filter.until !== undefined) at.$lte = new Date(filter.until);
  if (Object.keys(at).length > 0) query.at = at;
  return query;
}

function docOf(entry: AuditEntry): AuditDoc {
  return {
    _id: entry.revision,
    at: new Date(entry.at),
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    key: entry.key,
    environments: [...entry.environments],
    comment: entry.comment,
    ...(entry.from !== undefined && { from: entry.from }),
    before: entry.before && JSON.stringify(entry.before),
    after: entry.after && JSON.stringify(entry.after),
  };
}

function entryOf(doc: AuditDoc): AuditEntry {
  return {
    revision: doc._id,
    at: doc.at.toISOString(),
    actor: doc.actor,
    action: doc.action as AuditEntry['action'],
    entity: doc.entity as AuditEntry['entity'],
    key: doc.key,
    environments: doc.environments,
    comment: doc.comment ?? null,
    ...(typeof doc.from === 'string' && { from: doc.from }),
    before: doc.before ? (JSON.parse(doc.before) as AuditEntry['before']) : null,
    after: doc.after ? (JSON.parse(doc.after) as AuditEntry['after']) : null,
  };
}
