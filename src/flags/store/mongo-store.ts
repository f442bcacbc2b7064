import mongoose, { type Connection, type Model } from 'mongoose';
import { type AuditNote, auditEntryOf } from '../../audit/audit-entry.js';
import type { PurgeOutcome, RetentionPolicy } from '../../audit/audit-log.js';
import { WriteConflictError } from '../errors.js';
import type { FlagChange, FlagFields, StoredRecord } from '../flag.js';
import { readStoredRecord } from '../record-format.js';
import type { Deadline } from './deadline.js';
import type { FlagStore, WriteResult } from './flag-store.js';
import { MongoAuditLog, type PendingFields, pendingFieldsOf } from './mongo-audit-log.js';
import {
  abortable,
  driverCollection,
  isDuplicateKey,
  mongoConnectionOptions,
  runWithin,
  unavailableOnDriverFailure,
} from './mongo-driver.js';
import { readOrCreateIdentity } from './mongo-identity.js';

/** The default of {@link MongoStoreOptions.timeoutMs}, as of `STORE_TIMEOUT_MS` (src/config.ts). */
const DEFAULT_STORE_TIMEOUT_MS = 5000;
/**
 * How long a delete's tombstone is kept. Purging one early would reopen the race it closes: see
 * {@link MongoFlagStore.purgeTombstones} for why this age is safe. An hour: 60 times the longest
 * timeout the configuration allows (STORE_TIMEOUT_MS <= 60 s), for tombstones of ~60 bytes.
 */
export const TOMBSTONE_GRACE_MS = 60 * 60_000;
/** How often each store purges tombstones past the grace (and once when it opens). */
const PURGE_INTERVAL_MS = 10 * 60_000;

export interface MongoStoreOptions {
  /**
   * The longest one store operation may take over all the commands it sends (the driver's socket,
   * connect and server-selection timeouts are set to it too). Past it the operation fails with
   * StoreUnavailableError, which callers answer with 503, and sends nothing more. Default 5000.
   */
  timeoutMs?: number;
  /** Overrides how long opening waits for a server (default: `timeoutMs`). */
  serverSelectionTimeoutMS?: number;
}

/**
 * A record in MongoDB. The definition is kept as its JSON text: its object keys are user-chosen
 * (variant names, environment keys) and may hold `.` or start with `$`, which MongoDB field names
 * must not. Documents written before definitions carry `isEnabled` and `description` instead (read as
 * the boolean flag they stand for; a write replaces them with a definition).
 */
interface FlagDoc extends PendingFields {
  _id: string;
  definition?: string;
  isEnabled?: boolean;
  description?: string;
  version: number;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}
/**
 * What a delete leaves in place of the flag: the delete's revision, so that an insert which took an
 * older revision cannot commit after it, and the version it deleted. Only these fields, to stay small
 * (and, until drained, the delete's audit entry: see mongo-audit-log.ts). `deletedAt` is set when the
 * entry is drained; removed once older than {@link TOMBSTONE_GRACE_MS}.
 */
type TombstoneDoc = Pick<FlagDoc, '_id' | 'version' | 'revision'> & { deleted: true; deletedAt?: Date };
type StoredDoc = FlagDoc & Partial<Pick<TombstoneDoc, 'deleted' | 'deletedAt'>>;
type CounterDoc = { _id: string; value: number };

// No `required`: this adapter writes whole documents itself, and mongoose's check would reject ''.
const flagSchema = new mongoose.Schema<StoredDoc>(
  {
    _id: String,
    definition: String,
    isEnabled: Boolean,
    description: String,
    version: Number,
    revision: Number,
    createdAt: Date,
    updatedAt: Date,
    deleted: Boolean,
    deletedAt: Date,
    auditPending: Number,
    auditEntry: String,
  },
  { versionKey: false },
);
// Finds the records whose latest change's audit entry is still to be drained (few, briefly).
flagSchema.index({ auditPending: 1 }, { sparse: true });
// Tombstones only (live flags lack `deletedAt`, so they never expire): on MongoDB the TTL monitor removes
// them past the grace (server clock) even while no instance runs; purgeTombstones() uses the index too,
// and does the work where TTL indexes are not honoured (the test stand-in).
flagSchema.index({ deletedAt: 1 }, { expireAfterSeconds: TOMBSTONE_GRACE_MS / 1000 });
const counterSchema = new mongoose.Schema<CounterDoc>({ _id: String, value: Number }, { versionKey: false });

const REVISION_COUNTER = 'revision';
// Live flags only: they are stored without the field, which `$ne` matches.
const LIVE = { deleted: { $ne: true } } as const;
const MISSING = { status: 'missing' } as const;
const EXISTS = { status: 'exists' } as const;
// Bounds the retries of a guarded write; each extra round means another writer committed in between.
const MAX_ATTEMPTS = 5;

/**
 * Flags in MongoDB, shared by every instance pointing at the same database. The flag key is the
 * document `_id`; each write reads the key's document, takes a revision from the `counters` collection
 * above the document's, then writes conditionally on the document still being exactly the one it read
 * (its revision, unique), so no change commits below one already committed for its key, and the
 * change's audit entry (built from the state read) is exact; deletes leave a {@link TombstoneDoc} so
 * this holds across delete and re-insert. The same single-document write carries the audit entry (see
 * mongo-audit-log.ts). A losing write leaves a hole in the revisions. Hence `currentRevision()` is the
 * counter: at least the latest committed change's revision, and above it after a losing write or while
 * a write is in flight.
 */
export class MongoFlagStore implements FlagStore {
  private readonly flags: Model<StoredDoc>;
  private readonly counters: Model<CounterDoc>;
  readonly audit: MongoAuditLog;
  private purgeTimer: NodeJS.Timeout | undefined;
  /** Drains of entries whose writes have already answered, by key (see {@link settleLater}). */
  private readonly settling = new Map<string, Promise<void>>();

  /** Protected, like {@link nextRevision}: a subclass may observe the window between revision and write. */
  protected constructor(
    private readonly connection: Connection,
    private readonly timeoutMs: number,
  ) {
    this.flags = connection.model<StoredDoc>('StoredRecord', flagSchema, 'flags');
    this.counters = connection.model<CounterDoc>('Counter', counterSchema, 'counters');
    this.audit = new MongoAuditLog(
      connection,
      driverCollection(this.flags),
      (operation) => this.run(operation),
      (deadline) => this.readCounter(deadline),
      timeoutMs,
    );
  }

  /**
   * Connects on a connection of its own (several stores may share a process), prepares indexes, purges
   * old tombstones and keeps purging them every few minutes until closed.
   */
  static async open(uri: string, options: MongoStoreOptions = {}): Promise<MongoFlagStore> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    const connection = mongoose.createConnection(
      uri,
      mongoConnectionOptions(timeoutMs, options.serverSelectionTimeoutMS),
    );
    try {
      const store = new this(connection, timeoutMs);
      await store.run(async (deadline) => {
        await deadline.step(() => connection.asPromise());
        await deadline.step(() => Promise.all([store.flags.createIndexes(), store.counters.createIndexes()]));
      });
      // A deadline of its own: its indexes and first drain are work of their own.
      await store.run((deadline) => store.audit.open(deadline));
      await store.purgeTombstones();
      // Draining first: a tombstone is purged only once its entry is drained.
      const purge = () => store.audit.drainPending().then(() => store.purgeTombstones());
      store.purgeTimer = setInterval(() => purge().catch(() => {}), PURGE_INTERVAL_MS);
      store.purgeTimer.unref();
      return store;
    } catch (err) {
      await connection.close().catch(() => {});
      throw err;
    }
  }

  list(prefix: string): Promise<StoredRecord[]> {
    return this.run(async (deadline) => {
      const filter = prefix === '' ? LIVE : { _id: { $regex: `^${escapeRegExp(prefix)}` }, ...LIVE };
      const docs = await deadline.step((signal) =>
        this.flags.find(filter, null, { signal }).sort({ _id: 1 }).lean<FlagDoc[]>().exec(),
      );
      return docs.map(toFlag);
    });
  }

  get(key: string): Promise<StoredRecord | null> {
    return this.run(async (deadline) => {
      const doc = await this.read(key, deadline);
      return doc ? toFlag(doc) : null;
    });
  }

  // Reads the key's document: a live flag answers `exists`; a tombstone (its entry drained first) is
  // replaced conditionally on its exact revision; no document at all is an insertOne, whose E11000 means
  // another writer got there first. Either race goes round again with a fresh read.
  insert(key: string, fields: FlagFields, note: AuditNote): ReturnType<FlagStore['insert']> {
    return this.run(async (deadline) => {
      await this.afterSettling(key);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = await this.readAny(key, deadline);
        if (current && !current.deleted) return EXISTS;
        if (current) await this.audit.drain(current, deadline);
        const revision = await this.nextRevision(deadline);
        if (current && revision <= current.revision) continue;
        const now = new Date();
        const fresh = { ...pick(fields), version: 1, revision, createdAt: now, updatedAt: now };
        const flag = toFlag({ _id: key, ...fresh });
        const entry = auditEntryOf(note, { revision, at: now.toISOString(), recordKey: key }, null, flag);
        const doc = { ...fresh, ...pendingFieldsOf(entry) };
        try {
          if (current) {
            const pinned = { _id: key, revision: current.revision, deleted: true } as const;
            const { matchedCount } = await deadline.step((signal) =>
              this.flags.replaceOne(pinned, doc, { signal }).exec(),
            );
            if (matchedCount !== 1) continue;
          } else {
            await deadline.step((signal) =>
              driverCollection<StoredDoc>(this.flags).insertOne({ _id: key, ...doc }, abortable(signal)),
            );
          }
        } catch (err) {
          if (isDuplicateKey(err)) continue;
          throw err;
        }
        this.settleLater({ _id: key, ...doc });
        return { status: 'ok', change: { kind: 'upsert', key, revision, flag } } as const;
      }
      throw new WriteConflictError(key, MAX_ATTEMPTS);
    });
  }

  update(key: string, expectedVersion: number, fields: FlagFields, note: AuditNote): Promise<WriteResult> {
    return this.guarded(key, expectedVersion, note, (current, revision, now) => {
      const next = {
        ...pick(fields),
        version: current.version + 1,
        revision,
        createdAt: current.createdAt,
        updatedAt: now,
      };
      const flag = toFlag({ _id: key, ...next });
      return { doc: next, after: flag, change: { kind: 'upsert', key, revision, flag } };
    });
  }

  remove(key: string, expectedVersion: number | undefined, note: AuditNote): Promise<WriteResult> {
    // Replaces the flag by its tombstone, which takes `deletedAt` when its entry is drained.
    return this.guarded(key, expectedVersion, note, (current, revision) => ({
      doc: { deleted: true, version: current.version, revision },
      after: null,
      change: { kind: 'delete', key, revision, version: current.version },
    }));
  }

  purgeAudit(policy: RetentionPolicy, now = Date.now()): Promise<PurgeOutcome> {
    return this.audit.purge(policy, now);
  }

  currentRevision(): Promise<number> {
    return this.run((deadline) => this.readCounter(deadline));
  }

  private async readCounter(deadline: Deadline): Promise<number> {
    const counter = await deadline.step((signal) =>
      this.counters.findById(REVISION_COUNTER, null, { signal }).lean<CounterDoc>().exec(),
    );
    return counter?.value ?? 0;
  }

  ping(): Promise<void> {
    return this.run(async (deadline) => {
      await deadline.step((signal) => this.connection.getClient().db().command({ ping: 1 }, { signal }));
    });
  }

  /** Resolves once the entries of the writes that have answered are drained (close, tests). */
  async settled(): Promise<void> {
    await Promise.all(this.settling.values());
  }

  async close(): Promise<void> {
    clearInterval(this.purgeTimer);
    await this.settled();
    await this.connection.close();
  }

  /**
   * Deletes the tombstones of deletes made more than {@link TOMBSTONE_GRACE_MS} ago (by this
   * instance's clock) and answers how many it deleted. Runs when the store opens and every few minutes.
   *
   * Why this cannot let an insert commit below a delete: a tombstone at revision d only stops inserts
   * that hold a revision r < d. The counter hands out revisions in order, so such an insert took r
   * before the delete took d, which is before the delete stamped `deletedAt`. Every operation here
   * ends within `timeoutMs` of its start, and its Deadline's signal then stops the driver from sending
   * any command of it that is still waiting for a server or a connection; so every command that could
   * commit below d left its instance before `deletedAt + timeoutMs`. After that, only two things
   * separate such a command from the purge: time spent on the wire or queued in a stalled server, and
   * the skew between the clock that stamped `deletedAt` (the deleting instance) and the one judging its
   * age (this instance; the server's for the TTL index). The grace is an hour, 60 times the longest
   * allowed timeout, for both. What stays open: a server that holds a received command for more than
   * an hour and then runs it after the purge (a process frozen that long).
   */
  async purgeTombstones(): Promise<number> {
    const cutoff = new Date(Date.now() - TOMBSTONE_GRACE_MS);
    return this.run(async (deadline) => {
      // A tombstone whose entry is still pending has no deletedAt yet: never purged before it is drained.
      const { deletedCount } = await deadline.step((signal) =>
        this.flags.deleteMany({ deleted: true, deletedAt: { $lt: cutoff } }, { signal }).exec(),
      );
      return deletedCount;
    });
  }

  /** Takes the next revision from the shared counter; every write does so before writing. */
  protected async nextRevision(deadline: Deadline): Promise<number> {
    const counter = await deadline.step((signal) =>
      this.counters
        .findOneAndUpdate(
          { _id: REVISION_COUNTER },
          { $inc: { value: 1 } },
          { upsert: true, returnDocument: 'after', signal },
        )
        .lean<CounterDoc>()
        .exec(),
    );
    if (!counter) throw new Error('revision counter upsert returned no document');
    return counter.value;
  }

  /** Runs one operation within its own Deadline, turning driver failures into StoreUnavailableError. */
  private run<T>(operation: (deadline: Deadline) => Promise<T>): Promise<T> {
    return runWithin(this.timeoutMs, operation);
  }

  // Reads the live document (the expected version, if given, must be its version), drains its pending
  // entry, takes a revision above its revision, and writes conditionally on the document being exactly
  // the one read: `_id` and revision, which no other state of the key ever shares. A write that lost
  // the race goes round again with a fresh read (which answers missing or stale when that is the truth).
  private guarded(
    key: string,
    expected: number | undefined,
    note: AuditNote,
    next: (
      current: FlagDoc,
      revision: number,
      now: Date,
    ) => { doc: Partial<StoredDoc>; after: StoredRecord | null; change: FlagChange },
  ): Promise<WriteResult> {
    return this.run(async (deadline) => {
      await this.afterSettling(key);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = await this.readAny(key, deadline);
        if (!current || current.deleted) return MISSING;
        if (expected !== undefined && current.version !== expected) {
          return { status: 'stale', currentVersion: current.version };
        }
        await this.audit.drain(current, deadline);
        const revision = await this.nextRevision(deadline);
        if (revision <= current.revision) continue;
        const now = new Date();
        const { doc, after, change } = next(current, revision, now);
        const before = toFlag(current);
        const entry = auditEntryOf(note, { revision, at: now.toISOString(), recordKey: key }, before, after);
        const written = { ...doc, ...pendingFieldsOf(entry) };
        const pinned = { _id: key, revision: current.revision };
        const { matchedCount } = await deadline.step((signal) =>
          this.flags.replaceOne(pinned, written, { signal }).exec(),
        );
        if (matchedCount !== 1) continue;
        this.settleLater({ _id: key, ...written });
        return { status: 'ok', change };
      }
      throw new WriteConflictError(key, MAX_ATTEMPTS);
    });
  }

  /**
   * Drains the entry a write just committed, after the write has answered: the change is committed and
   * its entry safe on the record, and every reader of the history drains pending entries before it
   * reads (mongo-audit-log.ts), so nobody can see the history without it. Not waiting saves the write
   * two round trips (insert the entry, clear it from the record) before its caller, and every instance
   * it publishes to, hears of the change. {@link close} waits for the drains in flight.
   */
  private settleLater(doc: PendingFields & { _id: string }): void {
    const drained = this.settle(doc);
    this.settling.set(doc._id, drained);
    void drained.finally(() => {
      if (this.settling.get(doc._id) === drained) this.settling.delete(doc._id);
    });
  }

  /**
   * Waits for this instance's drain of `key`'s last entry, if one is in flight: the next write to the
   * key would otherwise drain the same entry beside it (twice the round trips, for nothing).
   */
  private async afterSettling(key: string): Promise<void> {
    await this.settling.get(key);
  }

  /**
   * Drains one committed entry, within an operation's timeout of its own. Best effort: a pending entry is
   * finished by the next reader or writer. Protected: a test subclass skips it to play a writer that
   * died right after its commit.
   */
  protected async settle(doc: PendingFields & { _id: string }): Promise<void> {
    try {
      await this.run((deadline) => this.audit.drain(doc, deadline));
    } catch {
      // left pending: see mongo-audit-log.ts
    }
  }

  private read(key: string, deadline: Deadline): Promise<FlagDoc | null> {
    return deadline.step((signal) =>
      this.flags
        .findOne({ _id: key, ...LIVE }, null, { signal })
        .lean<FlagDoc>()
        .exec(),
    );
  }

  /** The key's document, live or tombstone, with its pending entry if any. */
  private readAny(key: string, deadline: Deadline): Promise<StoredDoc | null> {
    return deadline.step((signal) =>
      this.flags.findOne({ _id: key }, null, { signal }).lean<StoredDoc>().exec(),
    );
  }

  // --- identity: one document in the `meta` collection, created by whichever process asks first ---
  private identityAnswer: Promise<string> | undefined;

  identity(): Promise<string> {
    this.identityAnswer ??= unavailableOnDriverFailure(() => readOrCreateIdentity(this.connection)).catch(
      (err: unknown) => {
        this.identityAnswer = undefined; // ask again next time
        throw err;
      },
    );
    return this.identityAnswer;
  }
}

/** What a record's body is stored as (only the definition: the kind follows from the key). */
function pick(fields: FlagFields): { definition: string } {
  return { definition: JSON.stringify(fields.definition) };
}

function toFlag(doc: FlagDoc): StoredRecord {
  const record = readStoredRecord({
    key: doc._id,
    ...(doc.definition === undefined
      ? { isEnabled: doc.isEnabled, description: doc.description }
      : { definition: JSON.parse(doc.definition) as unknown }),
    version: doc.version,
    revision: doc.revision,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  });
  if (!record) throw new Error(`MongoDB holds a document under '${doc._id}' that is not a Flagwire record`);
  return record;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
