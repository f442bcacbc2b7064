import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryChangeLog } from '../../src/feed/memory-change-log.js';
import { RedisChangeLog } from '../../src/feed/redis-change-log.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { startRedis, type TestRedis, whenBack } from '../support/redis.js';
import { describeChangeLogContract } from './change-log.contract.js';

describeChangeLogContract('MemoryChangeLog', async (options) => {
  const log = new MemoryChangeLog(options);
  return { log, cleanup: () => log.close() };
});

const deleted = (revision: number): FlagChange => ({ kind: 'delete', key: 'k', revision, version: 1 });

describe('MemoryChangeLog beyond the contract', () => {
  it('refuses a capacity that would keep nothing', () => {
    expect(() => new MemoryChangeLog({ capacity: 0 })).toThrow(RangeError);
  });
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

  const connect = (keyPrefix: string, capacity?: number) =>
    RedisChangeLog.connect({ url: redis.url, keyPrefix, ...(capacity === undefined ? {} : { capacity }) });

  describeChangeLogContract('RedisChangeLog', async ({ capacity }) => {
    const log = await connect(redis.keyPrefix(), capacity);
    return { log, cleanup: () => log.close() };
  });

  describe('RedisChangeLog beyond the contract', () => {
    it('is one log for every instance using the same prefix', async () => {
      const keyPrefix = redis.keyPrefix();
      const [a, b] = await Promise.all([connect(keyPrefix, 3), connect(keyPrefix, 3)]);
      try {
        await a.init(0);
        await Promise.all([a.append(deleted(2)), b.append(deleted(1)), a.append(deleted(3))]);
        await b.append(deleted(4));
        expect(await a.since(1)).toEqual([deleted(2), deleted(3), deleted(4)]);
        expect(await b.since(0)).toBeNull();
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    (ownServer ? it : it.skip)(
      'answers null after Redis lost its data, and covers again after init',
      async () => {
        const log = await connect(redis.keyPrefix());
        try {
          await log.init(0);
          await log.append(deleted(1));
          await redis.restart();
          const after = await whenBack(() => log.since(0));
          expect(after).toBeNull();
          await log.init(5);
          await log.append(deleted(6));
          expect(await log.since(5)).toEqual([deleted(6)]);
        } finally {
          await log.close();
        }
      },
    );
  });
});
