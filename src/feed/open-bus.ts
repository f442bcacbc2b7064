import type { Logger } from 'pino';
import type { FlagCache } from '../cache/flag-cache.js';
import { MemoryFlagCache } from '../cache/memory-cache.js';
import { RedisFlagCache } from '../cache/redis-cache.js';
import type { Config } from '../config.js';
import { RedisStoreClaim } from '../redis/store-claim.js';
import type { ChangeFeed } from './change-feed.js';
import type { ChangeLog } from './change-log.js';
import { InProcessFeed } from './in-process-feed.js';
import { MemoryChangeLog } from './memory-change-log.js';
import { RedisChangeLog } from './redis-change-log.js';
import { RedisFeed } from './redis-feed.js';

/** How long start-up waits for Redis before starting without it. */
const REDIS_START_TIMEOUT_MS = 3000;

/** Which store a shared bus belongs to (see {@link RedisStoreClaim}). */
export interface BusClaim {
  /** The Redis key holding the owner's id, for messages that tell an operator what to do. */
  readonly key: string;
  /** Claims the bus for `storeId` if no store has it; answers the owner's id. Rejects while Redis is away. */
  holder(storeId: string): Promise<string>;
  /** Calls `listener` whenever the connection to the bus becomes ready (again). Returns an unsubscribe. */
  onReady(listener: () => void): () => void;
}

/** The feed, change log and cache one instance uses, and whether other instances share them. */
export interface Bus {
  readonly feed: ChangeFeed;
  readonly log: ChangeLog;
  readonly cache: FlagCache;
  /** True with Redis: every instance sees the same log and cache. */
  readonly shared: boolean;
  /** With Redis: which store the bus belongs to. Undefined in process (nothing is shared). */
  readonly claim: BusClaim | undefined;
  /** Resolves when the shared backend answers (always, in-process); rejects while it does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Redis when REDIS_URL is set, otherwise in-process implementations of all three.
 *
 * On Redis, the cache, log and channel of a store live under `${REDIS_KEY_PREFIX}${storeId}:`, so two
 * stores behind one prefix (a misconfiguration that {@link BusClaim} makes refused) can never read or
 * overwrite each other's data; the claim itself is `${REDIS_KEY_PREFIX}store`.
 */
export async function openBus(
  config: Pick<Config, 'redisUrl' | 'redisKeyPrefix' | 'changeLogSize'>,
  logger: Logger,
  storeId: string,
): Promise<Bus> {
  if (!config.redisUrl) {
    const feed = new InProcessFeed();
    const cache = new MemoryFlagCache();
    const log = new MemoryChangeLog({ capacity: config.changeLogSize });
    return {
      feed,
      log,
      cache,
      shared: false,
      claim: undefined,
      ping: async () => {},
      close: () => closeAll([feed, log, cache]),
    };
  }
  // Redis down at start does not keep the service down: it serves alone, fails Redis commands fast, and
  // resynchronises when Redis answers (the feed reports that as a gap).
  const options = {
    url: config.redisUrl,
    keyPrefix: `${config.redisKeyPrefix}${storeId}:`,
    logger,
    startWithoutRedis: true,
    connectTimeoutMs: REDIS_START_TIMEOUT_MS,
  };
  const opened = await Promise.allSettled([
    RedisFeed.connect(options),
    RedisChangeLog.connect({ ...options, capacity: config.changeLogSize }),
    RedisFlagCache.connect(options),
    RedisStoreClaim.connect({ ...options, key: `${config.redisKeyPrefix}store` }),
  ]);
  const parts = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = opened.find((result) => result.status === 'rejected');
  if (failed) {
    await closeAll(parts);
    throw failed.reason;
  }
  const [feed, log, cache, claim] = parts as [RedisFeed, RedisChangeLog, RedisFlagCache, RedisStoreClaim];
  return {
    feed,
    log,
    cache,
    shared: true,
    claim,
    ping: () => cache.ping(),
    close: () => closeAll([feed, log, cache, claim]),
  };
}

async function closeAll(parts: ReadonlyArray<{ close(): Promise<void> }>): Promise<void> {
  await Promise.allSettled(parts.map((part) => part.close()));
}
