import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { pino } from 'pino';
import { MemoryFlagCache } from '../../src/cache/memory-cache.js';
import { ChangeFanout } from '../../src/feed/change-fanout.js';
import { InProcessFeed } from '../../src/feed/in-process-feed.js';
import { MemoryChangeLog } from '../../src/feed/memory-change-log.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { FlagSnapshot, type SnapshotEvent } from '../../src/flags/flag-snapshot.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { SnapshotSync } from '../../src/sync/snapshot-sync.js';
import { asCreate, asUpdate } from '../support/audit.js';
import { body, isEnabledOf } from '../support/flags.js';
import { until } from '../support/sse.js';

const silent = pino({ level: 'silent' });
/** Longer than any test here runs: a release must never wait for the late-change window. */
const LATE_CHANGE_WINDOW_MS = 60_000;

/**
 * The ordering stage: changes reach the view at once, and event streams (`revision` listeners) in
 * strictly increasing revision order, only through the revision the sync has seen everything up to.
 * `elsewhere` commits, caches and logs like another instance would; its messages reach this instance
 * only through `deliver`, in whatever order (or not at all) a test decides.
 */
describe('SnapshotSync ordering of stream events', () => {
  const syncs: SnapshotSync[] = [];
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map((sync) => sync.stop()));
  });

  type Commit = (key: string, options?: { logged?: boolean }) => Promise<FlagChange>;
  async function setup(
    options: {
      orderHoldMs?: number;
      beforeStart?: (store: MemoryFlagStore, commit: Commit) => Promise<void>;
    } = {},
  ) {
    const store = new MemoryFlagStore();
    const cache = new MemoryFlagCache();
    const log = new MemoryChangeLog({ capacity: 100 });
    const feed = new InProcessFeed();
    const elsewhere = new ChangeFanout(cache, log, new InProcessFeed(), silent);
    /** Commits a change as another instance would, but does not deliver it here. */
    const commit: Commit = async (key, { logged = true } = {}) => {
      const current = await store.get(key);
      const result = current
        ? await store.update(key, current.version, body(!isEnabledOf(current), ''), asUpdate)
        : await store.insert(key, body(true, ''), asCreate);
      if (result.status !== 'ok') throw new Error(result.status);
      if (logged) await elsewhere.publish(result.change);
      return result.change;
    };
    await options.beforeStart?.(store, commit);
    const snapshot = new FlagSnapshot();
    const sync = new SnapshotSync(snapshot, store, cache, log, feed, silent, {
      checkIntervalMs: 0,
      sharedLog: true,
      lateChangeWindowMs: LATE_CHANGE_WINDOW_MS,
      orderHoldMs: options.orderHoldMs ?? 50,
    });
    syncs.push(sync);
    /** What a stream hears: `revision` for a change, `reset@revision[revisions]` for a reset. */
    const heard: string[] = [];
    snapshot.subscribe((event: SnapshotEvent) => {
      if (event.type === 'change') heard.push(String(event.change.revision));
      else heard.push(`reset@${event.revision}[${event.changes.map((c) => c.revision).join(',')}]`);
    }, 'revision');
    await sync.start();
    heard.length = 0; // the start-up reset
    return {
      store,
      log,
      snapshot,
      sync,
      commit,
      heard,
      deliver: (change: FlagChange) => feed.publish(change),
    };
  }

  it('sends changes that arrive out of revision order in order, as soon as the gap fills', async () => {
    const { snapshot, sync, commit, heard, deliver } = await setup({ orderHoldMs: 60_000 });
    const slow = await commit('slow'); // 1
    const fast = await commit('fast'); // 2
    const next = await commit('next'); // 3
    await deliver(fast);
    await deliver(next);
    // The view has them at once (reads are never held back); streams wait for revision 1.
    expect(snapshot.get('fast')).not.toBeNull();
    expect(heard).toEqual([]);
    expect(sync.revision).toBe(0);
    await deliver(slow);
    expect(heard).toEqual(['1', '2', '3']);
    expect(sync.revision).toBe(3);
    expect(snapshot.heldCount).toBe(0);
    await sync.settled(); // no repair was needed: the hold ended with the gap
  });

  it('still sends a change that arrives after a later change to the same key, before that one', async () => {
    const { snapshot, commit, heard, deliver } = await setup({ orderHoldMs: 60_000 });
    const older = await commit('same'); // 1
    const newer = await commit('same'); // 2: its message arrives first
    await deliver(newer);
    await deliver(older); // the view keeps 2, but the stream must match the log: 1, then 2
    expect(heard).toEqual(['1', '2']);
    expect(snapshot.get('same')?.revision).toBe(2);
  });

  it('gives a gap that becomes the lowest after another one closed a full hold of its own', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const { commit, heard, deliver } = await setup({ orderHoldMs: 100 });
      // Not logged yet: a log read would not find them, only a full hold lets them arrive in order.
      const first = await commit('first', { logged: false }); // 1
      await deliver(await commit('second')); // 2: holds for gap 1
      const third = await commit('third', { logged: false }); // 3
      await deliver(await commit('fourth')); // 4
      await jest.advanceTimersByTimeAsync(80);
      await deliver(first); // gap 1 closes late in its hold; gap 3 is now the lowest
      expect(heard).toEqual(['1', '2']);
      await jest.advanceTimersByTimeAsync(80); // past the first hold's end, within the second's
      await deliver(third);
      expect(heard).toEqual(['1', '2', '3', '4']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('holds nothing on the in-order path', async () => {
    const { snapshot, commit, heard, deliver } = await setup({ orderHoldMs: 60_000 });
    for (const key of ['a', 'b', 'c']) {
      await deliver(await commit(key));
      expect(snapshot.heldCount).toBe(0);
    }
    expect(heard).toEqual(['1', '2', '3']);
  });

  it('releases the changes above a burned revision once the short hold ends, not after the late-change window', async () => {
    const { sync, commit, heard, deliver } = await setup({ orderHoldMs: 50 });
    await deliver(await commit('before')); // 1
    // As if its write lost its version guard: revision 2 is never logged nor published.
    await commit('burned', { logged: false });
    const started = Date.now();
    await deliver(await commit('after')); // 3
    await deliver(await commit('after.too')); // 4
    expect(heard).toEqual(['1']);
    await until(() => heard.length === 3, 'the changes above the burned revision');
    expect(Date.now() - started).toBeLessThan(LATE_CHANGE_WINDOW_MS / 10);
    expect(heard).toEqual(['1', '3', '4']);
    expect(sync.revision).toBe(4);
  });

  it('fills a gap whose message was lost from the change log, in revision order', async () => {
    const { snapshot, commit, heard, deliver } = await setup({ orderHoldMs: 20 });
    await deliver(await commit('a')); // 1
    await commit('lost'); // 2: logged, its message never arrives
    await deliver(await commit('b')); // 3
    await until(() => heard.length === 3, 'the lost change and the one after it');
    expect(heard).toEqual(['1', '2', '3']);
    expect(snapshot.get('lost')).not.toBeNull();
  });

  it('sends a change that turns up after later ones went out as a reset, never out of order', async () => {
    const { snapshot, log, commit, heard, deliver } = await setup({ orderHoldMs: 20 });
    const slow = await commit('slow', { logged: false }); // 1: its writer is slower than the hold
    await deliver(await commit('fast')); // 2
    await until(() => heard.length === 1, 'the change above the slow one');
    expect(heard).toEqual(['2']);
    await log.append(slow);
    await deliver(slow);
    expect(heard).toEqual(['2', 'reset@2[1]']);
    expect(snapshot.get('slow')).not.toBeNull();
  });

  it('finds a write that was in flight during the start-up load and whose message is lost', async () => {
    let inFlight: FlagChange | undefined;
    const { snapshot, log } = await setup({
      beforeStart: async (store, commit) => {
        await commit('earlier'); // the shared log already covers the recent past
        // Took its revision before the load read the store's (so the load starts at or above it), and
        // committed after the load listed the flags: the listing does not have it.
        inFlight = await commit('in-flight', { logged: false });
        const list = store.list.bind(store);
        store.list = async (prefix) => (await list(prefix)).filter((flag) => flag.key !== 'in-flight');
      },
    });
    expect(snapshot.get('earlier')).not.toBeNull();
    expect(snapshot.get('in-flight')).toBeNull();
    // Its writer logs it now; its pub/sub message is lost.
    if (!inFlight) throw new Error('no in-flight write');
    await log.append(inFlight);
    await until(() => snapshot.get('in-flight') !== null, 'the in-flight write to be found in the log');
  });
});
