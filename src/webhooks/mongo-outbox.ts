import mongoose, { type Connection } from 'mongoose';
import type { Deadline } from '../flags/store/deadline.js';
import {
  abortable,
  driverCollection,
  isDuplicateKey,
  mongoConnectionOptions,
  runWithin,
} from '../flags/store/mongo-driver.js';
import type { LeaseState, WebhookOutbox } from './outbox.js';

/** Compare-and-set rounds one `acquire` tries before answering with the lease as it stands. */
const LEASE_ATTEMPTS = 3;

/** One endpoint's document in the `webhooks` collection. */
interface CursorDoc {
  _id: string;
  /** The revision delivered through. */
  delivered: number;
  /** Who delivers now (an instance's random id), null when nobody does. */
  holder: string | null;
  /** Until when (the holder's clock, epoch ms) its lease runs. */
  leaseUntil: number;
}

const cursorSchema = new mongoose.Schema<CursorDoc>(
  { _id: String, delivered: Number, holder: String, leaseUntil: Number },
  { versionKey: false },
);

/**
 * The outbox of the MongoDB store: a `webhooks` collection in the same database, one document per
 * endpoint holding its cursor and its lease, so every instance sharing the store shares them. Each
 * operation is one single-document command (MongoDB makes each atomic), conditional where it must be:
 * the lease is taken only if free, expired or already the taker's; the cursor moves only while the
 * mover holds the lease and only forwards. Every operation ends within the store timeout.
 */
export class MongoWebhookOutbox implements WebhookOutbox {
  private constructor(
    private readonly connection: Connection,
    private readonly cursors: mongoose.mongo.Collection<CursorDoc>,
    private readonly timeoutMs: number,
  ) {}

  /** Connects on a connection of its own, as the flag store does (same options, same timeout). */
  static async open(uri: string, timeoutMs: number): Promise<MongoWebhookOutbox> {
    const connection = mongoose.createConnection(uri, mongoConnectionOptions(timeoutMs));
    try {
      const model = connection.model<CursorDoc>('WebhookCursor', cursorSchema, 'webhooks');
      const outbox = new MongoWebhookOutbox(connection, driverCollection<CursorDoc>(model), timeoutMs);
      await outbox.run((deadline) => deadline.step(() => connection.asPromise()));
      return outbox;
    } catch (err) {
      await connection.close().catch(() => {});
      throw err;
    }
  }

  ensure(endpoint: string, start: number): Promise<number> {
    return this.run(async (deadline) => {
      try {
        await deadline.step((signal) =>
          this.cursors.insertOne(
            { _id: endpoint, delivered: start, holder: null, leaseUntil: 0 },
            abortable(signal),
          ),
        );
        return start;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const existing = await this.find(endpoint, deadline);
      if (!existing) throw new Error(`webhook cursor '${endpoint}' vanished right after it was found`);
      return existing.delivered;
    });
  }

  acquire(endpoint: string, holder: string, leaseMs: number, now: number): Promise<LeaseState | null> {
    // A compare-and-set pinned to the lease as read, not one update with an `$or` filter: the MongoDB
    // stand-in the tests run on did not apply that atomically (two of six racing instances both held it).
    return this.run(async (deadline) => {
      for (let attempt = 0; attempt < LEASE_ATTEMPTS; attempt++) {
        const current = await this.find(endpoint, deadline);
        if (!current) return null;
        const free = current.holder === holder || current.holder === null || current.leaseUntil < now;
        if (!free) return { held: false, delivered: current.delivered };
        const { matchedCount } = await deadline.step((signal) =>
          this.cursors.updateOne(
            { _id: endpoint, holder: current.holder, leaseUntil: current.leaseUntil },
            { $set: { holder, leaseUntil: now + leaseMs } },
            abortable(signal),
          ),
        );
        if (matchedCount === 1) return { held: true, delivered: current.delivered };
      }
      const current = await this.find(endpoint, deadline);
      return current && { held: current.holder === holder, delivered: current.delivered };
    });
  }

  advance(endpoint: string, holder: string, delivered: number): Promise<boolean> {
    return this.run(async (deadline) => {
      const { matchedCount } = await deadline.step((signal) =>
        this.cursors.updateOne(
          { _id: endpoint, holder, delivered: { $lte: delivered } },
          { $set: { delivered } },
          abortable(signal),
        ),
      );
      return matchedCount === 1;
    });
  }

  release(endpoint: string, holder: string): Promise<void> {
    return this.run(async (deadline) => {
      await deadline.step((signal) =>
        this.cursors.updateOne(
          { _id: endpoint, holder },
          { $set: { holder: null, leaseUntil: 0 } },
          abortable(signal),
        ),
      );
    });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private find(endpoint: string, deadline: Deadline): Promise<CursorDoc | null> {
    return deadline.step((signal) => this.cursors.findOne({ _id: endpoint }, { signal }));
  }

  private run<T>(operation: (deadline: Deadline) => Promise<T>): Promise<T> {
    return runWithin(this.timeoutMs, operation);
  }
}
