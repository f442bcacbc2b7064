import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisStoreClaim } from '../../src/redis/store-claim.js';
import { startRedis, type TestRedis } from '../support/redis.js';

describe('RedisStoreClaim', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const connect = (key: string) => RedisStoreClaim.connect({ url: redis.url, key });

  it('belongs to the first store that asks; every other store is told that one', async () => {
    const key = `${redis.keyPrefix()}store`;
    const claims = await Promise.all([connect(key), connect(key), connect(key)]);
    try {
      // Three instances of three stores asking at once: one wins, all agree on which.
      const holders = await Promise.all(claims.map((claim, i) => claim.holder(`store-${i}`)));
      expect(new Set(holders).size).toBe(1);
      expect(['store-0', 'store-1', 'store-2']).toContain(holders[0]);
      // Asking again, in any order, never moves it.
      expect(await claims[2]?.holder('store-2')).toBe(holders[0]);
      expect(await claims[0]?.holder('store-0')).toBe(holders[0]);
    } finally {
      await Promise.all(claims.map((claim) => claim.close()));
    }
  });

  it('is claimed again by the next store that asks once the key is gone', async () => {
    const key = `${redis.keyPrefix()}store`;
    const claim = await connect(key);
    const raw = new Redis(redis.url);
    try {
      expect(await claim.holder('first')).toBe('first');
      await raw.del(key);
      expect(await claim.holder('second')).toBe('second');
      expect(await claim.holder('first')).toBe('second');
    } finally {
      raw.disconnect();
      await claim.close();
    }
  });
});
