import { randomUUID } from 'node:crypto';
import mongoose, { type Connection, type Model } from 'mongoose';
import { StoreUnavailableError, WriteConflictError } from '../errors.js';
import type { Flag, FlagChange, FlagFields } from '../flag.js';
import type { FlagStore, WriteResult } from './flag-store.js';

interface FlagDoc extends FlagFields {
  _id: string;
  version: number;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}
/**
 * What a delete leaves in place of the flag: the delete's revision, so that an insert which took an
 * older revision cannot commit after it, and the version it deleted. Only these fields, to stay small.
 * Not purged yet. A purge must outwait every insert still holding an older revision: a TTL index on
 * `deletedAt` (live flags lack it, so they never expire) with a window far beyond any write's life,
 * e.g. a week, would do, accepting that a writer stalled longer than that could commit below it.
 */
type TombstoneDoc = Pick<FlagDoc, '_id' | 'version' | 'revision'> & { deleted: true; deletedAt: Date };
type StoredDoc = FlagDoc & Partial<Pick<TombstoneDoc, 'deleted' | 'deletedAt'>>;
type CounterDoc = { _id: string; value: number };
type Guard = { _id: string; version: number; revision: { $lt: number }; deleted: { $ne: true } };

// No `required`: this adapter writes whole documents itself, and mongoose's check would reject ''.
const flagSchema = new mongoose.Schema<StoredDoc>(
  {
    _id: String,
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

  /** Protected, like {@link nextRevision}: a subclass may observe the window between revision and write. */
  protected constructor(private readonly connection: Connection) {
    this.flags = connection.model<StoredDoc>('Flag', flagSchema, 'flags');
    this.counters = connection.model<CounterDoc>('Counter', counterSchema, 'counters');
  }

  /** Connects on a connection of its own (several stores may share a process) and prepares indexes. */
  static async open(
    uri: string,
    options: { serverSelectionTimeoutMS?: number } = {},
  ): Promise<MongoFlagStore> {
    const connection = mongoose.createConnection(uri, {
      // autoCreate would send `create` (the stand-in lacks it); MongoDB creates collections on first insert.
      autoCreate: false,
      autoIndex: false,
      // Fail fast instead of queueing operations while disconnected: the caller maps that to 503.
      bufferCommands: false,
      // A server that stops answering (hung, partitioned) must not hang a write for ever: a reply that
      // takes longer than this fails the operation (the caller answers 503 with Retry-After), and the
      // heartbeat notices a dead server within a few seconds.
      socketTimeoutMS: OPERATION_TIMEOUT_MS,
      connectTimeoutMS: OPERATION_TIMEOUT_MS,
      serverSelectionTimeoutMS: OPERATION_TIMEOUT_MS,
      heartbeatFrequencyMS: 2000,
      ...options,
    });
    try {
      return await unavailableOnDriverFailure(async () => {
        await connection.asPromise();
        const store = new this(connection);
        await Promise.all([store.flags.createIndexes(), store.counters.createIndexes()]);
        return store;
      });
    } catch (err) {
      await connection.close().catch(() => {});
      throw err;
    }
  }

  list(prefix: string): Promise<Flag[]> {
    return unavailableOnDriverFailure(async () => {
      const filter = prefix === '' ? LIVE : { _id: { $regex: `^${escapeRegExp(prefix)}` }, ...LIVE };
      const docs = await this.flags.find(filter).sort({ _id: 1 }).lean<FlagDoc[]>();
      return docs.map(toFlag);
    });
  }

  get(key: string): Promise<Flag | null> {
    return unavailableOnDriverFailure(async () => {
      const doc = await this.read(key);
      return doc ? toFlag(doc) : null;
    });
  }

  // One conditional upsert: creates the flag where the key has no document, or replaces a tombstone
  // whose delete is older than our revision. E11000 means the key's document exists and did not match:
  // a live flag (exists), or a delete that took a later revision and committed first (take a fresh
  // revision and go again, so the insert never commits below it). A replacement, not $set: an update
  // upsert would copy the filter's `deleted: true` into the new flag.
  insert(key: string, fields: FlagFields): ReturnType<FlagStore['insert']> {
    return unavailableOnDriverFailure(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const revision = await this.nextRevision();
        const now = new Date();
        const fresh = { ...pick(fields), version: 1, revision, createdAt: now, updatedAt: now };
        const freeOrOlder = { _id: key, deleted: true, revision: { $lt: revision } } as const;
        try {
          await this.flags.replaceOne(freeOrOlder, fresh, { upsert: true });
        } catch (err) {
          if (!(err instanceof mongoose.mongo.MongoServerError && err.code === 11000)) throw err;
          if (await this.read(key)) return EXISTS;
          continue;
        }
        const flag = toFlag({ _id: key, ...fresh });
        return { status: 'ok', change: { kind: 'upsert', key, revision, flag } } as const;
      }
      throw new WriteConflictError(key, MAX_ATTEMPTS);
    });
  }

  update(key: string, expectedVersion: number, fields: FlagFields): Promise<WriteResult> {
    return this.guarded(key, expectedVersion, async (guard, revision) => {
      const doc = await this.flags
        .findOneAndUpdate(
          guard,
          { $set: { ...pick(fields), revision, updatedAt: new Date() }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        )
        .lean<FlagDoc>();
      return doc && { kind: 'upsert', key, revision, flag: toFlag(doc) };
    });
  }

  remove(key: string, expectedVersion?: number): Promise<WriteResult> {
    // Replaces the flag by its tombstone; the guard pins the exact version deleted.
    return this.guarded(key, expectedVersion, async (guard, revision) => {
      const tombstone = { deleted: true, version: guard.version, revision, deletedAt: new Date() };
      const { matchedCount } = await this.flags.replaceOne(guard, tombstone);
      return matchedCount === 1 ? { kind: 'delete', key, revision, version: guard.version } : null;
    });
  }

  currentRevision(): Promise<number> {
    return unavailableOnDriverFailure(async () => {
      const counter = await this.counters.findById(REVISION_COUNTER).lean<CounterDoc>();
      return counter?.value ?? 0;
    });
  }

  ping(): Promise<void> {
    return unavailableOnDriverFailure(async () => {
      await this.connection.getClient().db().command({ ping: 1 });
    });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /** Takes the next revision from the shared counter; every write does so before writing. */
  protected async nextRevision(): Promise<number> {
    const counter = await this.counters
      .findOneAndUpdate(
        { _id: REVISION_COUNTER },
        { $inc: { value: 1 } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean<CounterDoc>();
    if (!counter) throw new Error('revision counter upsert returned no document');
    return counter.value;
  }

  // Takes a revision and runs `write` guarded by the flag being live, at its version (`expected`, or
  // the one just read), and older than our revision: a write that took a later revision but committed
  // first must not be replaced by a change that looks older (views apply changes by revision). Retries
  // with a fresh revision when only that guard failed, or the flag was deleted and re-created meanwhile.
  private guarded(
    key: string,
    expected: number | undefined,
    write: (guard: Guard, revision: number) => Promise<FlagChange | null>,
  ): Promise<WriteResult> {
    return unavailableOnDriverFailure(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const version = expected ?? (await this.read(key))?.version;
        if (version === undefined) return MISSING;
        const revision = await this.nextRevision();
        const change = await write({ _id: key, version, revision: { $lt: revision }, ...LIVE }, revision);
        if (change) return { status: 'ok', change };
        if (expected === undefined) continue;
        const current = await this.read(key);
        if (!current) return MISSING;
        if (current.version !== expected) return { status: 'stale', currentVersion: current.version };
      }
      throw new WriteConflictError(key, MAX_ATTEMPTS);
    });
  }

  private read(key: string): Promise<FlagDoc | null> {
    return this.flags.findOne({ _id: key, ...LIVE }).lean<FlagDoc>();
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

/** The longest a store operation may take before it counts as the store being unavailable. */
const OPERATION_TIMEOUT_MS = 5000;

// Server errors meaning "not reachable / not primary / shutting down" (the driver's retryable codes).
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

function isUnavailable(err: unknown): boolean {
  const { mongo } = mongoose;
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

// Copy only the writable fields: callers may pass objects with extra properties.
function pick(fields: FlagFields): FlagFields {
  return { isEnabled: fields.isEnabled, description: fields.description };
}

function toFlag(doc: FlagDoc): Flag {
  return {
    key: doc._id,
    isEnabled: doc.isEnabled,
    description: doc.description,
    version: doc.version,
    revision: doc.revision,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
