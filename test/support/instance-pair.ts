import { startTestApp } from './app.js';
import { startMongo } from './mongo.js';
import { startRedis } from './redis.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

export interface InstancePair {
  readonly a: App;
  readonly b: App;
  /** Stops both instances, then Redis and the store, and removes the data directories. */
  stop(): Promise<void>;
}

/**
 * Two instances sharing a MongoDB store and a Redis (with a key prefix of their own), with no periodic
 * store check: they learn of each other's changes by pub/sub and the change log alone. The write rate
 * limit is lifted: these tests write hundreds of times in seconds from one (open) caller.
 */
export async function startInstancePair(env: Record<string, string> = {}): Promise<InstancePair> {
  const [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
  const shared = {
    MONGODB_URI: mongo.uri,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix(),
    RESYNC_CHECK_MS: '3600000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WRITE_RATE_BURST: '1000',
    WRITE_RATE_PER_MINUTE: '100000',
    ...env,
  };
  const a = await startTestApp(shared);
  const b = await startTestApp(shared);
  return {
    a,
    b,
    async stop() {
      await Promise.allSettled([a.stop(), b.stop()]);
      await Promise.allSettled([a.removeDataDir(), b.removeDataDir(), redis.stop(), mongo.stop()]);
    },
  };
}
