import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { type Logger, pino } from 'pino';
import type { ChangeFeed } from '../../src/feed/change-feed.js';
import { InProcessFeed } from '../../src/feed/in-process-feed.js';
import { RedisFeed } from '../../src/feed/redis-feed.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { describeChangeFeedContract, within } from './change-feed.contract.js';

describeChangeFeedContract('InProcessFeed', { shared: false, faults: false }, async () => {
  const feed = new InProcessFeed();
  return { feed, cleanup: () => feed.close() };
});

/** A logger that keeps what it is asked to log at warn and above. */
function capturingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
  return { logger, warnings };
}

describe('on Redis', () => {
  // With REDIS_URL the harness cannot stop or restart the server.
  const ownServer = !process.env.REDIS_URL?.trim();
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  describeChangeFeedContract('RedisFeed', { shared: true, faults: ownServer }, async () => {
    const keyPrefix = redis.keyPrefix();
    const logger = pino({ level: 'silent' });
    const open: ChangeFeed[] = [];
    const connect = async () => {
      const feed = await RedisFeed.connect({ url: redis.url, keyPrefix, logger });
      open.push(feed);
      return feed;
    };
    return {
      feed: await connect(),
      peer: connect,
      bus: redis,
      cleanup: async () => {
        await Promise.all(open.map((feed) => feed.close()));
      },
    };
  });
  if (!ownServer)
    it.todo('fault tests (restart, outage) need a redis-server this harness owns: unset REDIS_URL');

  describe('RedisFeed beyond the contract', () => {
    it('drops and logs malformed messages, and delivers well-formed ones from other publishers', async () => {
      const keyPrefix = redis.keyPrefix();
      const { logger, warnings } = capturingLogger();
      const feed = await RedisFeed.connect({ url: redis.url, keyPrefix, logger });
      const raw = new Redis(redis.url);
      try {
        const received: FlagChange[] = [];
        const arrived = new Promise<void>((resolve) =>
          feed.subscribe((change) => {
            received.push(change);
            resolve();
          }),
        );
        const change: FlagChange = { kind: 'delete', key: 'k', revision: 9, version: 3 };
        const channel = `${keyPrefix}changes`;
        await raw.publish(channel, 'not json');
        await raw.publish(channel, JSON.stringify({ origin: 'x', change: { kind: 'upsert', key: 'k' } }));
        await raw.publish(channel, JSON.stringify({ origin: 'elsewhere', change }));
        await within(arrived, 'the well-formed change');
        expect(received).toEqual([change]);
        expect(warnings.filter((msg) => msg.includes('malformed'))).toHaveLength(2);
      } finally {
        raw.disconnect();
        await feed.close();
      }
    });

    it('connect rejects with a clear error when Redis cannot be reached', async () => {
      const logger = pino({ level: 'silent' });
      const connecting = RedisFeed.connect({
        url: 'redis://127.0.0.1:9',
        keyPrefix: 'x:',
        logger,
        connectTimeoutMs: 300,
      });
      await expect(connecting).rejects.toThrow(/redis not ready within 300 ms: connect ECONNREFUSED/);
    });
  });
});
