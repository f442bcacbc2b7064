import mongoose from 'mongoose';
import { StoreUnavailableError } from '../errors.js';
import { Deadline, DeadlineExceededError } from './deadline.js';

/** Small helpers over the MongoDB driver, shared by the store, its audit log and the webhook outbox. */

/**
 * How every Flagwire connection to MongoDB is made, given the store timeout (STORE_TIMEOUT_MS).
 */
export function mongoConnectionOptions(
  timeoutMs: number,
  serverSelectionTimeoutMS = timeoutMs,
): mongoose.ConnectOptions {
  return {
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
    serverSelectionTimeoutMS,
    heartbeatFrequencyMS: 2000,
    // A driver retry of a timed-out write would be sent after the caller was told 503, and could
    // commit then: the caller retries instead, knowing the outcome.
    retryWrites: false,
  };
}

/** The driver's collection under a model, typed by its documents (for inserts with a signal). */
export function driverCollection<T extends mongoose.mongo.Document>(model: { collection: unknown }) {
  return model.collection as mongoose.mongo.Collection<T>;
}

/**
 * Write options carrying a Deadline's signal. The driver honours `signal` on every operation (server
 * selection and connection checkout stop when it aborts) but types it on reads only.
 */
export function abortable(
  signal: AbortSignal,
): mongoose.mongo.InsertOneOptions & mongoose.mongo.UpdateOptions {
  return { signal } as mongoose.mongo.InsertOneOptions;
}

/** E11000: a unique index (here always `_id`) refused the insert. */
export function isDuplicateKey(err: unknown): boolean {
  return err instanceof mongoose.mongo.MongoServerError && err.code === 11000;
}

/** The one place driver failures become StoreUnavailableError; answers such as E11000 pass through. */
export async function unavailableOnDriverFailure<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw isUnavailable(err) ? new StoreUnavailableError(err) : err;
  }
}

/**
 * Runs one store operation within a Deadline of its own (`timeoutMs` over all its commands), turning
 * driver failures into StoreUnavailableError.
 */
export function runWithin<T>(timeoutMs: number, operation: (deadline: Deadline) => Promise<T>): Promise<T> {
  return unavailableOnDriverFailure(async () => {
    const deadline = new Deadline(timeoutMs);
    try {
      return await operation(deadline);
    } finally {
      deadline.end();
    }
  });
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
