import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { MemoryFlagCache } from '../../src/cache/memory-cache.js';
import type { ChangeLog } from '../../src/feed/change-log.js';
import { InProcessFeed } from '../../src/feed/in-process-feed.js';
import { MemoryChangeLog } from '../../src/feed/memory-change-log.js';
import { RedisChangeLog } from '../../src/feed/redis-change-log.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { SnapshotSync } from '../../src/sync/snapshot-sync.js';
import { asCreate, asDelete } from '../support/audit.js';
import { body } from '../support/flags.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { until } from '../support/sse.js';

const silent = pino({ level: 'silent' });

/**
 * Two writers commit revisions 1 and 2; the writer of 2 is faster: it logs and publishes first. A
 * reader that gets 2's message catches up from the log, which does not hold 1 yet. Then 1 is logged,
 * late, and its pub/sub message is lost. The reader must still end up with 1. Run over every log.
 */
function describeLateAppend(name: string, openLog: () => Promise<ChangeLog>): void {
  describe(`SnapshotSync over ${name}`, () => {
    const syncs: SnapshotSync[] = [];
    const logs: ChangeLog[] = [];
    afterEach(async () => {
      await Promise.all(syncs.splice(0).map((sync) => sync.stop()));
      await Promise.all(logs.splice(0).map((log) => log.close()));
    });

    async function setup(lateChangeWindowMs?: number, checkIntervalMs = 0) {
      const store = new MemoryFlagStore();
      const log = await openLog();
      logs.push(log);
      const feed = new InProcessFeed();
      const snapshot = new FlagSnapshot();
      const sync = new SnapshotSync(snapshot, store, new MemoryFlagCache(), log, feed, silent, {
        checkIntervalMs,
        sharedLog: true,
        ...(lateChangeWindowMs === undefined ? {} : { lateChangeWindowMs }),
      });
      syncs.push(sync);
      await sync.start();
      const commit = async (key: string): Promise<FlagChange> => {
        const result = await store.insert(key, body(true, ''), asCreate);
        if (result.status !== 'ok') throw new Error(result.status);
        return result.change;
      };
      return { store, snapshot, sync, log, commit, deliver: (change: FlagChange) => feed.publish(change) };
    }

    it('a change appended to the log after a later one was read, whose message is lost, still reaches the reader', async () => {
      const { snapshot, sync, log, commit, deliver } = await setup();
      const slow = await commit('slow'); // revision 1: its writer has not logged it yet
      const fast = await commit('fast'); // revision 2: logged and published first
      await log.append(fast);
      await deliver(fast);
      await sync.settled();
      expect(snapshot.get('fast')).not.toBeNull();
      expect(snapshot.get('slow')).toBeNull(); // not in the log yet
      expect(sync.lateRevisionsAwaited).toBe(1);

      await log.append(slow); // late; its pub/sub message never arrives
      await until(() => snapshot.get('slow') !== null, 'the late change reaches the reader', 5000);
      expect(snapshot.get('slow')?.revision).toBe(1);
      await until(() => sync.lateRevisionsAwaited === 0, 'nothing awaited any more');
    });

    it('a skipped revision whose message arrives late is not looked for in the log', async () => {
      const { snapshot, sync, log, commit, deliver } = await setup();
      const slow = await commit('slow');
      const fast = await commit('fast');
      await log.append(fast);
      await deliver(fast);
      await sync.settled();
      await deliver(slow); // the message was late, not lost
      expect(snapshot.get('slow')).not.toBeNull();
      expect(sync.lateRevisionsAwaited).toBe(0);
    });

    it('a late change does not resurrect a flag deleted after it, even across a reload', async () => {
      const { store, snapshot, sync, log, commit, deliver } = await setup(undefined, 5);
      const slow = await commit('slow'); // revision 1, logged late
      const fast = await commit('fast');
      await log.append(fast);
      await deliver(fast);
      await sync.settled();
      const removed = await store.remove('slow', undefined, asDelete); // revision 3: the flag is gone
      if (removed.status !== 'ok') throw new Error(removed.status);
      await log.append(removed.change);
      await deliver(removed.change);
      // A reload (which forgets the view's tombstones): a write committed but never logged nor published,
      // that the periodic store check finds.
      const reloaded = new Promise<void>((resolve) =>
        snapshot.subscribe((event) => event.type === 'reset' && resolve()),
      );
      await commit('orphan');
      await reloaded;
      await log.append(slow);
      await until(() => sync.lateRevisionsAwaited === 0, 'the late change is found');
      expect(snapshot.get('slow')).toBeNull();
      expect(snapshot.get('orphan')).not.toBeNull();
    });

    it('stops looking for a revision that never appears (a write that burned it) after the window', async () => {
      const { sync, log, commit, deliver } = await setup(200);
      await commit('burned'); // as if its write lost its guard: never logged, never published
      const fast = await commit('fast');
      await log.append(fast);
      await deliver(fast);
      await sync.settled();
      expect(sync.lateRevisionsAwaited).toBe(1);
      await until(() => sync.lateRevisionsAwaited === 0, 'the burned revision is given up', 5000);
      expect(sync.revision).toBe(2);
    });
  });
}

describeLateAppend('MemoryChangeLog', async () => new MemoryChangeLog());

describe('on Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  describeLateAppend('RedisChangeLog', () =>
    RedisChangeLog.connect({ url: redis.url, keyPrefix: redis.keyPrefix() }),
  );
});
