import { randomUUID } from 'node:crypto';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FlagChange } from '../flags/flag.js';
import { readStoredRecord } from '../flags/record-format.js';
import { closeRedisClient, createRedisClient, waitUntilReady } from '../redis/connect.js';
import type { ChangeFeed, ChangeListener } from './change-feed.js';

/** How long {@link RedisFeed.connect} waits for Redis by default before failing start-up. */
const CONNECT_TIMEOUT_MS = 10_000;

/** What travels on the channel: the change plus the id of the instance that published it. */
interface Envelope {
  readonly origin: string;
  readonly change: FlagChange;
}

export interface RedisFeedOptions {
  readonly url: string;
  /** Namespaces the channel (`${keyPrefix}changes`) so several deployments can share one Redis. */
  readonly keyPrefix: string;
  readonly logger: Logger;
  /** How long to wait for Redis at start-up (default 10 s). */
  readonly connectTimeoutMs?: number;
  /**
   * When Redis does not answer within the timeout: false (default) rejects; true starts anyway, serving
   * this instance's own listeners, and joins the channel (reporting a gap) once Redis answers.
   */
  readonly startWithoutRedis?: boolean;
}

/**
 * The change feed shared by every instance through Redis pub/sub (graphql-redis-subscriptions over two
 * ioredis connections: a subscribed connection cannot publish). Delivery to other instances is
 * at-most-once: a message published while an instance is disconnected is lost to it, which is why
 * {@link onGap} tells listeners to resynchronise after every reconnect.
 */
export class RedisFeed implements ChangeFeed {
  /** Marks this instance's own messages, so the copy Redis echoes back is not delivered twice. */
  private readonly origin = randomUUID();
  private readonly listeners = new Set<ChangeListener>();
  private readonly gapListeners = new Set<() => void>();
  private subscriptionId: number | undefined;
  private lost = false;
  private closed = false;

  private constructor(
    private readonly pubsub: RedisPubSub,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  /** Connects and resolves once the subscription is active; rejects if Redis cannot be reached. */
  static async connect(opts: RedisFeedOptions): Promise<RedisFeed> {
    const logger = opts.logger.child({ component: 'redis-feed' });
    const publisher = createRedisClient(opts.url, 'flagwire:feed:publish', logger);
    // We resubscribe ourselves on 'ready' (watchConnection), with the rejection handled.
    const subscriber = createRedisClient(opts.url, 'flagwire:feed:subscribe', logger, {
      autoResubscribe: false,
    });
    const pubsub = new RedisPubSub({ publisher, subscriber });
    const feed = new RedisFeed(pubsub, publisher, subscriber, `${opts.keyPrefix}changes`, logger);
    try {
      const timeout = opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
      await Promise.all([waitUntilReady(publisher, timeout), waitUntilReady(subscriber, timeout)]);
      await feed.joinChannel();
    } catch (err) {
      if (!opts.startWithoutRedis) {
        await feed.close();
        throw err;
      }
      logger.warn(
        { err },
        'redis unreachable at start: serving alone until it answers, then resynchronising',
      );
      feed.lost = true;
    }
    feed.watchConnection();
    return feed;
  }

  /** Local listeners first (the port's read-your-writes promise), then the other instances. */
  async publish(change: FlagChange): Promise<void> {
    this.deliver(change);
    const envelope: Envelope = { origin: this.origin, change };
    try {
      await this.pubsub.publish(this.channel, envelope);
    } catch (err) {
      // The change is committed already: other instances catch up from the change log or on a gap.
      this.logger.warn({ err, revision: change.revision, key: change.key }, 'change not published to redis');
    }
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.gapListeners.clear();
    // RedisPubSub sends UNSUBSCRIBE without awaiting it: only do so on a live connection.
    if (this.subscriptionId !== undefined && this.subscriber.status === 'ready') {
      this.pubsub.unsubscribe(this.subscriptionId);
    }
    await Promise.all([closeRedisClient(this.publisher), closeRedisClient(this.subscriber)]);
  }

  private receive(message: unknown): void {
    if (!isEnvelope(message)) {
      this.logger.warn({ message }, 'malformed message on the change channel dropped');
      return;
    }
    if (message.origin !== this.origin) this.deliver(message.change);
  }

  // A throwing listener must not keep the others (or the remote publish) from running.
  private deliver(change: FlagChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.logger.error({ err, revision: change.revision }, 'change listener failed');
      }
    }
  }

  /**
   * After a lost subscriber connection comes back, messages sent meanwhile are gone. Subscribe again
   * (ioredis's autoResubscribe is off for this connection, see connect.ts) and only then report the
   * gap: a listener that resynchronises on it cannot miss a change published after its resync started.
   */
  private watchConnection(): void {
    this.subscriber.on('close', () => {
      this.lost = true;
    });
    this.subscriber.on('ready', () => {
      if (!this.lost || this.closed) return;
      this.lost = false;
      this.joinChannel().then(
        () => this.reportGap(),
        // Lost again: the next 'ready' reports the gap.
        (err: unknown) => this.logger.warn({ err }, 'resubscribing to the change channel failed'),
      );
    });
  }

  /**
   * Subscribes to the channel: through RedisPubSub the first time (it routes the messages to us), and
   * directly again after a reconnect (RedisPubSub's message listener stays attached to the client).
   */
  private async joinChannel(): Promise<void> {
    if (this.subscriptionId === undefined) {
      this.subscriptionId = await this.pubsub.subscribe(this.channel, (message: unknown) =>
        this.receive(message),
      );
    } else {
      await this.subscriber.subscribe(this.channel);
    }
  }

  private reportGap(): void {
    if (this.closed) return;
    this.logger.info('change feed reconnected; listeners resynchronise');
    for (const listener of this.gapListeners) {
      try {
        listener();
      } catch (err) {
        this.logger.error({ err }, 'gap listener failed');
      }
    }
  }
}

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const { origin, change } = value as Record<string, unknown>;
  return typeof origin === 'string' && isFlagChange(change);
}

// Structural check of what another process sent: enough that listeners can rely on the type.
function isFlagChange(value: unknown): value is FlagChange {
  if (typeof value !== 'object' || value === null) return false;
  const change = value as Record<string, unknown>;
  if (typeof change.key !== 'string' || !Number.isSafeInteger(change.revision)) return false;
  if (change.kind === 'delete') return Number.isSafeInteger(change.version);
  if (change.kind !== 'upsert' || typeof change.flag !== 'object' || change.flag === null) return false;
  // The record as the sender's store holds it (a sender of the previous version sends the legacy
  // form: read as the boolean flag it stands for, like a record loaded from disk).
  const record = readStoredRecord(change.flag);
  if (!record || record.key !== change.key) return false;
  (change as { flag: unknown }).flag = record;
  return true;
}
