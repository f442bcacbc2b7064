import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryFlagCache } from '../../src/cache/memory-cache.js';
import { RedisFlagCache } from '../../src/cache/redis-cache.js';
import { startRedis, type TestRedis, whenBack } from '../support/redis.js';
import { describeFlagCacheContract, flagAt, removal, upsert } from './flag-cache.contract.js';

describeFlagCacheContract('MemoryFlagCache', async () => {
  const cache = new MemoryFlagCache();
  return { cache, cleanup: () => cache.close() };
});

describe('on Redis', () => {
  // With REDIS_URL the harness cannot restart the server.
  const ownServer = !process.env.REDIS_URL?.trim();
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const connect = (keyPrefix: string) => RedisFlagCache.connect({ url: redis.url, keyPrefix });

  describeFlagCacheContract('RedisFlagCache', async () => {
    const cache = await connect(redis.keyPrefix());
    return { cache, cleanup: () => cache.close() };
  });

  describe('RedisFlagCache beyond the contract', () => {
    it('is one cache for every instance using the same prefix, and none for another prefix', async () => {
      const keyPrefix = redis.keyPrefix();
      const [a, b, other] = await Promise.all([
        connect(keyPrefix),
        connect(keyPrefix),
        connect(redis.keyPrefix()),
      ]);
      try {
        await a.fill({ flags: [flagAt('x', 1)], revision: 1 });
        // Write-throughs from two instances racing, in any order: the newest per key wins.
        await Promise.all([
          b.apply(upsert('x', 3, false)),
          a.apply(upsert('x', 2)),
          a.apply(removal('y', 4)),
        ]);
        await b.apply(upsert('y', 4));
        expect(await b.load()).toEqual({ flags: [flagAt('x', 3, false)], revision: 4 });
        expect(await a.load()).toEqual(await b.load());
        expect(await other.load()).toBeNull();
      } finally {
        await Promise.all([a.close(), b.close(), other.close()]);
      }
    });

    (ownServer ? it : it.skip)('loads null after Redis lost its data, until filled again', async () => {
      const cache = await connect(redis.keyPrefix());
      try {
        await cache.fill({ flags: [flagAt('x', 1)], revision: 1 });
        await redis.restart();
        expect(await whenBack(() => cache.load())).toBeNull();
        await cache.apply(upsert('x', 2)); // a write-through alone does not make a set
        expect(await cache.load()).toBeNull();
        await cache.fill({ flags: [flagAt('x', 2)], revision: 2 });
        expect(await cache.load()).toEqual({ flags: [flagAt('x', 2)], revision: 2 });
      } finally {
        await cache.close();
      }
    });
  });
});
