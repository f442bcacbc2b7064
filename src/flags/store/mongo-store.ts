import { randomUUID } from 'node:crypto';
import mongoose, { type Connection, type Model } from 'mongoose';
import { StoreUnavailableError, WriteConflictError } from '../errors.js';
import type { FlagChange, FlagFields, StoredRecord } from '../flag.js';
import { readStoredRecord } from '../record-format.js';
import { Deadline, DeadlineExceededError } from './deadline.js';
import type { FlagStore, WriteResult } from './flag-store.js';

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
interface FlagDoc {
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
 * older revision cannot commit after it, and the version it deleted. Only these fields, to stay small.
 * Removed once older than {@link TOMBSTONE_GRACE_MS}.
 */
type TombstoneDoc = Pick<FlagDoc, '_id' | 'version' | 'revision'> & { deleted: true; deletedAt: Date };
type StoredDoc = FlagDoc & Partial<Pick<TombstoneDoc, 'deleted' | 'deletedAt'>>;
type CounterDoc = { _id: string; value: number };
type Guard = { _id: string; version: number; revision: { $lt: number }; deleted: { $ne: true } };

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
  },
  { versionKey: false },
);
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
 * document `_id`; each write first takes a revision from the `counters` collection, then makes its
 * write conditional on the key's document carrying an older revision (and on the flag's version), so
 * no change commits below one already committed for its key; deletes leave a {@link TombstoneDoc} so
 * this holds across delete and re-insert. A losing write leaves a hole in the revisions. Hence
 * `currentRevision()` is the counter: at least the latest committed change's revision, and above it
 * after a losing write or while a write is in flight.
 */
export class MongoFlagStore implements FlagStore {
  private readonly flags: Model<StoredDoc>;
  private readonly counters: Model<CounterDoc>;
  private purgeTimer: NodeJS.Timeout | undefined;

  /** Protected, like {@link nextRevision}: a subclass may observe the window between revision and write. */
  protected constructor(
    private readonly connection: Connection,
    private readonly timeoutMs: number,
  ) {
    this.flags = connection.model<StoredDoc>('StoredRecord', flagSchema, 'flags');
    this.counters = connection.model<CounterDoc>('Counter', counterSchema, 'counters');
  }

  /**
   * Connects on a connection of its own (several stores may share a process), prepares indexes, purges
   * old tombstones and keeps purging them every few minutes until closed.
   */
  static async open(uri: string, options: MongoStoreOptions = {}): Promise<MongoFlagStore> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    const connection = mongoose.createConnection(uri, {
      // autoCreate would send `create` (the stand-in lacks it); MongoDB creates collections on first insert.
      autoCreate: false,
      autoIndex: false,
      // Fail fast instead of queueing operations while disconnected: the caller maps that to 503.
      bufferCommands: false,
      // A server that stops answering (hung, partitioned) must not hold a request: each operation has a
      // Deadline of `timeoutMs` over all its commands, whose AbortSignal cancels them (the driver ignores
      // `timeoutMS` here, and would retry a timed-out read: ~15 s in all). These timeouts bound what
      // runs without a signal (connecting, the heartbeat, which notices a dead server in seconds).
      socketTimeoutMS: timeoutMs,
      connectTimeoutMS: timeoutMs,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? timeoutMs,
      heartbeatFrequencyMS: 2000,
      // A driver retry of a timed-out write would be sent after the caller was told 503, and could
      // commit then: the caller retries instead, knowing the outcome.
      retryWrites: false,
    });
    try {
      const store = new this(connection, timeoutMs);
      await store.run(async (deadline) => {
        await deadline.step(() => connection.asPromise());
        await deadline.step(() => Promise.all([store.flags.createIndexes(), store.counters.createIndexes()]));
      });
      await store.purgeTombstones();
      store.purgeTimer = setInterval(() => store.purgeTombstones().catch(() => {}), PURGE_INTERVAL_MS);
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

  // One conditional upsert: creates the flag where the key has no document, or replaces a tombstone
  // whose delete is older than our revision. E11000 means the key's document exists and did not match:
  // a live flag (exists), or a delete that took a later revision and committed first (take a fresh
  // revision and go again, so the insert never commits below it). A replacement, not $set: an update
  // upsert would copy the filter's `deleted: true` into the new flag.
  insert(key: string, fields: FlagFields): ReturnType<FlagStore['insert']> {
    return this.run(async (deadline) => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const revision = await this.nextRevision(deadline);
        const now = new Date();
        const fresh = { ...pick(fields), version: 1, revision, createdAt: now, updatedAt: now };
        const freeOrOlder = { _id: key, deleted: true, revision: { $lt: revision } } as const;
        try {
          await deadline.step((signal) =>
            this.flags.replaceOne(freeOrOlder, fresh, { upsert: true, signal }).exec(),
          );
        } catch (err) {
          if (!(err instanceof mongoose.mongo.MongoServerError && err.code === 11000)) throw err;
          if (await this.read(key, deadline)) return EXISTS;
          continue;
        }
        const flag = toFlag({ _id: key, ...fresh });
        return { status: 'ok', change: { kind: 'upsert', key, revision, flag } } as const;
      }
      throw new WriteConflictError(key, MAX_ATTEMPTS);
    });
  }

  update(key: string, expectedVersion: number, fields: FlagFields): Promise<WriteResult> {
    return this.guarded(key, expectedVersion, async (guard, revision, deadline) => {
      const doc = await deadline.step((signal) =>
        this.flags
          .findOneAndUpdate(
            guard,
            {
              $set: { ...pick(fields), revision, updatedAt: new Date() },
              $unset: LEGACY_FIELDS,
              $inc: { version: 1 },
            },
            { returnDocument: 'after', signal },
          )
          .lean<FlagDoc>()
          .exec(),
      );
      return doc && { kind: 'upsert', key, revision, flag: toFlag(doc) };
    });
  }

  remove(key: string, expectedVersion?: number): Promise<WriteResult> {
    // Replaces the flag by its tombstone; the guard pins the exact version deleted.
    return this.guarded(key, expectedVersion, async (guard, revision, deadline) => {
      const tombstone = { deleted: true, version: guard.version, revision, deletedAt: new Date() };
      const { matchedCount } = await deadline.step((signal) =>
        this.flags.replaceOne(guard, tombstone, { signal }).exec(),
      );
      return matchedCount === 1 ? { kind: 'delete', key, revision, version: guard.version } : null;
    });
  }

  currentRevision(): Promise<number> {
    return this.run(async (deadline) => {
      const counter = await deadline.step((signal) =>
        this.counters.findById(REVISION_COUNTER, null, { signal }).lean<CounterDoc>().exec(),
      );
      return counter?.value ?? 0;
    });
  }

  ping(): Promise<void> {
    return this.run(async (deadline) => {
      await deadline.step((signal) => this.connection.getClient().db().command({ ping: 1 }, { signal }));
    });
  }

  async close(): Promise<void> {
    clearInterval(this.purgeTimer);
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
    return unavailableOnDriverFailure(async () => {
      const deadline = new Deadline(this.timeoutMs);
      try {
        return await operation(deadline);
      } finally {
        deadline.end();
      }
    });
  }

  // Takes a revision and runs `write` guarded by the flag being live, at its version (`expected`, or
  // the one just read), and older than our revision: a write that took a later revision but committed
  // first must not be replaced by a change that looks older (views apply changes by revision). Retries
  // with a fresh revision when only that guard failed, or the flag was deleted and re-created meanwhile.
  private guarded(
    key: string,
    expected: number | undefined,
    write: (guard: Guard, revision: number, deadline: Deadline) => Promise<FlagChange | null>,
  ): Promise<WriteResult> {
    return this.run(async (deadline) => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const version = expected ?? (await this.read(key, deadline))?.version;
        if (version === undefined) return MISSING;
        const revision = await this.nextRevision(deadline);
        const guard = { _id: key, version, revision: { $lt: revision }, ...LIVE };
        const change = await write(guard, revision, deadline);
        if (change) return { status: 'ok', change };
        if (expected === undefined) continue;
        const current = await this.read(key, deadline);
        if (!current) return MISSING;
        if (current.version !== expected) return { status: 'stale', currentVersion: current.version };
      }
      throw new WriteConflictError(key, MAX_ATTEMPTS);
    });
  }

  private read(key: string, deadline: Deadline): Promise<FlagDoc | null> {
    return deadline.step((signal) =>
      this.flags
        .findOne({ _id: key, ...LIVE }, null, { signal })
        .lean<FlagDoc>()
        .exec(),
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

type MetaDoc = { _id: string; value: string };
const metaSchema = new mongoose.Schema<MetaDoc>({ _id: String, value: String }, { versionKey: false });
const IDENTITY = 'store-identity';

// Insert-if-absent on the unique _id: of two processes racing on a new database, one inserts and the
// other gets E11000 and reads the winner's id.
async function readOrCreateIdentity(connection: Connection): Promise<string> {
  const meta: Model<MetaDoc> =
    (connection.models.Meta as Model<MetaDoc> | undefined) ??
    connection.model<MetaDoc>('Meta', metaSchema, 'meta');
  const existing = await meta.findById(IDENTITY).lean<MetaDoc>();
  if (existing) return existing.value;
  try {
    await meta.create({ _id: IDENTITY, value: randomUUID() });
  } catch (err) {
    if (!(err instanceof mongoose.mongo.MongoServerError && err.code === 11000)) throw err;
  }
  const created = await meta.findById(IDENTITY).lean<MetaDoc>();
  if (!created) throw new Error('store identity vanished right after it was written');
  return created.value;
}

/** The one place driver failures become StoreUnavailableError; answers such as E11000 pass through. */
async function unavailableOnDriverFailure<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw isUnavailable(err) ? new StoreUnavailableError(err) : err;
  }
}

// Server errors meaning "not reachable / not primary / shutting down" (the driver's retryable codes).
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

function isUnavailable(err: unknown): boolean {
  const { mongo } = mongoose;
  if (err instanceof DeadlineExceededError) return true;
  if (err instanceof mongoose.Error.MongooseServerSelectionError) return true;
  const kinds = [
    mongo.MongoNetworkError,
    mongo.MongoServerSelectionError,
    mongo.MongoTopologyClosedError,
    mongo.MongoOperationTimeoutError,
  ];
  if (kinds.some((kind) => err instanceof kind) || err instanceof mongo.MongoNotConnectedError) return true;
  if (!(err instanceof mongo.MongoError)) return false;
  return err.hasErrorLabel('RetryableWriteError') || UNAVAILABLE_CODES.has(Number(err.code));
}

/** What a record's body is stored as (only the definition: the kind follows from the key). */
function pick(fields: FlagFields): { definition: string } {
  return { definition: JSON.stringify(fields.definition) };
}

/** The fields of documents written before definitions, dropped by the first write after them. */
const LEGACY_FIELDS = { isEnabled: 1, description: 1 } as const;

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
