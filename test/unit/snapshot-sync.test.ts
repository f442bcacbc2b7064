import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { MemoryFlagCache } from '../../src/cache/memory-cache.js';
import { ChangeFanout } from '../../src/feed/change-fanout.js';
import { InProcessFeed } from '../../src/feed/in-process-feed.js';
import { MemoryChangeLog } from '../../src/feed/memory-change-log.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { SnapshotSync } from '../../src/sync/snapshot-sync.js';
import { asCreate, asUpdate } from '../support/audit.js';
import { body, isEnabledOf } from '../support/flags.js';

const silent = pino({ level: 'silent' });

/** The in-process feed plus what a bus connection does: it can drop and come back (a gap). */
class ReconnectingFeed extends InProcessFeed {
  private readonly gapListeners = new Set<() => void>();
  override onGap(listener: () => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }
  reconnect(): void {
    for (const listener of this.gapListeners) listener();
  }
}

/** A promise the test opens when it decides: `wait` parks a step of the code under test until `open`. */
function gate() {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/**
 * One instance's sync over real in-memory parts. `elsewhere` commits to the shared store, cache and
 * log like another instance would, but its feed messages reach us only through `deliver`, so a test
 * decides which messages are lost.
 */
async function setup(
  options: { sharedLog?: boolean; seed?: number; checkIntervalMs?: number; orderHoldMs?: number } = {},
) {
  const store = new MemoryFlagStore();
  const cache = new MemoryFlagCache();
  const log = new MemoryChangeLog({ capacity: 5 });
  const feed = new ReconnectingFeed();
  const otherFeed = new InProcessFeed();
  const elsewhere = new ChangeFanout(cache, log, otherFeed, silent);
  const commit = async (key: string, isEnabled = true): Promise<FlagChange> => {
    const current = await store.get(key);
    const result = current
      ? await store.update(key, current.version, body(isEnabled), asUpdate)
      : await store.insert(key, body(isEnabled), asCreate);
    if (result.status !== 'ok') throw new Error(result.status);
    await elsewhere.publish(result.change);
    return result.change;
  };
  for (let i = 0; i < (options.seed ?? 0); i++) await commit(`seed.${i}`);
  const listed = { count: 0 };
  const list = store.list.bind(store);
  store.list = (prefix: string) => {
    listed.count++;
    return list(prefix);
  };
  const snapshot = new FlagSnapshot();
  const repairs: Array<'log' | 'reload'> = [];
  const sync = new SnapshotSync(snapshot, store, cache, log, feed, silent, {
    checkIntervalMs: options.checkIntervalMs ?? 0,
    sharedLog: options.sharedLog ?? true,
    ...(options.orderHoldMs === undefined ? {} : { orderHoldMs: options.orderHoldMs }),
    onRepair: (kind) => repairs.push(kind),
  });
  return {
    store,
    cache,
    log,
    feed,
    snapshot,
    sync,
    commit,
    listed,
    repairs,
    deliver: (c: FlagChange) => feed.publish(c),
  };
}

describe('SnapshotSync', () => {
  it('starts from the store when the cache is empty, and fills the cache', async () => {
    const { sync, snapshot, cache, listed } = await setup({ seed: 3 });
    await cache.fill({ flags: [], revision: 0 }); // a cache that was filled before any flag existed
    await sync.start();
    expect(snapshot.list('').map((f) => f.key)).toEqual(['seed.0', 'seed.1', 'seed.2']);
    expect(snapshot.currentRevision).toBe(3);
    expect(listed.count).toBe(1);
    expect((await cache.load())?.revision).toBe(3);
    await sync.stop();
  });

  it('starts from the cache without listing the store when the cache is current', async () => {
    const { sync, snapshot, cache, listed, store } = await setup({ seed: 3 });
    await cache.fill({ flags: await store.list(''), revision: 3 });
    listed.count = 0;
    await sync.start();
    expect(snapshot.size).toBe(3);
    expect(listed.count).toBe(0);
    await sync.stop();
  });

  it('applies delivered changes in order without any repair', async () => {
    const { sync, snapshot, commit, deliver, listed, repairs } = await setup();
    await sync.start();
    listed.count = 0;
    await deliver(await commit('a'));
    await deliver(await commit('b'));
    await sync.settled();
    expect(snapshot.list('').map((f) => f.key)).toEqual(['a', 'b']);
    expect(sync.revision).toBe(2);
    expect(listed.count).toBe(0);
    expect(repairs).toEqual([]);
  });

  it('recovers a lost message from the change log when the next change skips its revision', async () => {
    const { sync, snapshot, commit, deliver, listed } = await setup();
    await sync.start();
    listed.count = 0;
    await commit('lost'); // its message never arrives
    await deliver(await commit('next'));
    await sync.settled();
    expect(isEnabledOf(snapshot.get('lost'))).toBe(true);
    expect(sync.revision).toBe(2);
    expect(listed.count).toBe(0);
  });

  it('reloads everything when the change log no longer reaches back to the gap', async () => {
    const { sync, snapshot, commit, deliver } = await setup();
    await sync.start();
    for (let i = 0; i < 8; i++) await commit(`lost.${i}`); // more than the log's capacity of 5
    await deliver(await commit('next'));
    await sync.settled();
    expect(snapshot.list('lost').length).toBe(8);
    expect(sync.revision).toBe(9);
  });

  it('notices a change that was committed but never logged nor published, and reloads it from the store', async () => {
    const { sync, snapshot, store } = await setup({ checkIntervalMs: 5 });
    await sync.start();
    const appeared = new Promise<void>((resolve) =>
      snapshot.subscribe(() => {
        if (snapshot.get('orphan')) resolve();
      }),
    );
    // A writer that died right after its store commit: no cache, no log, no message.
    await store.insert('orphan', body(true, 'never logged'), asCreate);
    await appeared;
    expect(sync.revision).toBe(1);
    await sync.stop();
  });

  it('does not reload for a write the store has that is still on its way (seen at one check, arrived by the next)', async () => {
    const { sync, snapshot, store, cache, log, deliver, repairs } = await setup({ checkIntervalMs: 5 });
    // Every revision check, as an event.
    const checks: Array<() => void> = [];
    const revision = store.currentRevision.bind(store);
    store.currentRevision = async () => {
      const value = await revision();
      for (const notify of checks.splice(0)) notify();
      return value;
    };
    const nextCheck = () => new Promise<void>((resolve) => checks.push(resolve));
    await sync.start();
    let reloads = 0;
    snapshot.subscribe((event) => {
      if (event.type === 'reset') reloads++;
    });

    // A write committed to the store whose message is still in flight at the next check...
    const result = await store.insert('in-flight', body(true, ''), asCreate);
    if (result.status !== 'ok') throw new Error(result.status);
    await nextCheck();
    await sync.settled(); // (a sync that repaired at first sight would have reloaded by now)
    // ...and arrives before the check after it.
    await cache.apply(result.change);
    await log.append(result.change);
    await deliver(result.change);
    await nextCheck();
    await nextCheck();
    await sync.settled();
    expect(isEnabledOf(snapshot.get('in-flight'))).toBe(true);
    expect(reloads).toBe(0);
    expect(repairs).toEqual([]);
    await sync.stop();
  });

  it('without a shared log, a gap is repaired by reloading', async () => {
    const { sync, snapshot, commit, deliver } = await setup({ sharedLog: false });
    await sync.start();
    await commit('lost');
    await deliver(await commit('next'));
    await sync.settled();
    expect(snapshot.get('lost')).not.toBeNull();
  });

  it('tells snapshot listeners about a repair as changes, so streams can forward them', async () => {
    const { sync, snapshot, commit, deliver } = await setup();
    await sync.start();
    const seen: string[] = [];
    snapshot.subscribe((event) => {
      if (event.type === 'change') seen.push(`${event.change.kind}:${event.change.key}`);
      else for (const change of event.changes) seen.push(`reset ${change.kind}:${change.key}`);
    });
    await commit('lost');
    await deliver(await commit('next'));
    await sync.settled();
    expect(seen.sort()).toEqual(['upsert:lost', 'upsert:next']);
  });

  it('reports a repair from the log as such, without reloading', async () => {
    const { sync, commit, deliver, repairs, listed } = await setup();
    await sync.start();
    listed.count = 0;
    await commit('lost');
    await deliver(await commit('next'));
    await sync.settled();
    expect(repairs).toEqual(['log']);
    expect(listed.count).toBe(0);
  });

  it('after the feed reconnects, finds a change committed meanwhile that was never logged, by asking the store', async () => {
    const { sync, snapshot, store, feed, repairs } = await setup();
    await sync.start();
    // Committed while the bus was down: no log entry, no message.
    await store.insert('during-outage', body(true, ''), asCreate);
    feed.reconnect();
    await sync.settled();
    expect(isEnabledOf(snapshot.get('during-outage'))).toBe(true);
    expect(sync.revision).toBe(1);
    expect(repairs).toEqual(['reload']);
  });

  it('after the feed reconnects with nothing missed, checks the log and does not reload', async () => {
    const { sync, feed, commit, deliver, repairs, listed } = await setup();
    await sync.start();
    await deliver(await commit('a'));
    listed.count = 0;
    feed.reconnect();
    await sync.settled();
    expect(repairs).toEqual(['log']);
    expect(listed.count).toBe(0);
    expect(sync.revision).toBe(1);
  });

  it('stops following the feed once stopped', async () => {
    const { sync, snapshot, feed, commit, deliver } = await setup();
    await sync.start();
    await sync.stop();
    await deliver(await commit('after-stop'));
    feed.reconnect();
    await sync.settled();
    expect(snapshot.get('after-stop')).toBeNull();
  });

  it('lays the changes that arrive during a reload on top of the reloaded view, in revision order', async () => {
    const { sync, snapshot, cache, commit, deliver, repairs } = await setup();
    await cache.fill({ flags: [], revision: 0 });
    const loading = gate();
    const load = cache.load.bind(cache);
    cache.load = async () => {
      const set = await load(); // read before the changes below: they are missing from it
      await loading.wait;
      return set;
    };
    const events: string[] = [];
    snapshot.subscribe((event) =>
      events.push(event.type === 'change' ? `${event.change.key}@${event.change.revision}` : 'reset'),
    );
    const started = sync.start();
    const first = await commit('first');
    const second = await commit('second');
    await deliver(second);
    await deliver(first);
    loading.open();
    await started;
    await sync.settled();
    expect(snapshot.list('').map((f) => f.key)).toEqual(['first', 'second']);
    expect(sync.revision).toBe(2);
    expect(repairs).toEqual([]);
    // Applied as they arrived, then the reloaded view, then the two laid back on it in revision order.
    expect(events).toEqual(['second@2', 'first@1', 'reset', 'first@1', 'second@2']);
  });

  it('does not count past a change that has not arrived when the reload ends, and repairs it at the next gap', async () => {
    const { sync, snapshot, cache, commit, deliver, repairs } = await setup();
    await cache.fill({ flags: [], revision: 0 });
    const loading = gate();
    const load = cache.load.bind(cache);
    cache.load = async () => {
      const set = await load();
      await loading.wait;
      return set;
    };
    const started = sync.start();
    await commit('lost');
    await deliver(await commit('arrived'));
    loading.open();
    await started;
    expect(snapshot.get('arrived')).not.toBeNull();
    expect(sync.revision).toBe(0);
    await deliver(await commit('next'));
    await sync.settled();
    expect(snapshot.get('lost')).not.toBeNull();
    expect(sync.revision).toBe(3);
    expect(repairs).toEqual(['log']);
  });

  it('repairs by reloading when the change log is unavailable', async () => {
    const { sync, snapshot, log, commit, deliver, repairs } = await setup();
    await sync.start();
    log.since = async () => {
      throw new Error('redis down');
    };
    await commit('lost');
    await deliver(await commit('next'));
    await sync.settled();
    expect(snapshot.get('lost')).not.toBeNull();
    expect(sync.revision).toBe(2);
    expect(repairs).toEqual(['reload']);
  });

  it('starts from the store when the cache is unavailable, and when filling the cache or the log fails', async () => {
    const { sync, snapshot, cache, log, listed } = await setup({ seed: 2 });
    cache.load = async () => {
      throw new Error('redis down');
    };
    cache.fill = async () => {
      throw new Error('redis down');
    };
    log.init = async () => {
      throw new Error('redis down');
    };
    await sync.start();
    expect(snapshot.list('').map((f) => f.key)).toEqual(['seed.0', 'seed.1']);
    expect(sync.revision).toBe(2);
    expect(listed.count).toBe(1);
    await sync.stop();
  });

  it('survives a repair that fails, and repairs at the next gap', async () => {
    const { sync, snapshot, store, log, commit, deliver } = await setup();
    await sync.start();
    const since = log.since.bind(log);
    const currentRevision = store.currentRevision.bind(store);
    const down = async (): Promise<never> => {
      throw new Error('everything down');
    };
    log.since = down;
    store.currentRevision = down;
    await commit('lost');
    await deliver(await commit('next'));
    await sync.settled();
    expect(snapshot.get('lost')).toBeNull();
    log.since = since;
    store.currentRevision = currentRevision;
    await deliver(await commit('later'));
    await sync.settled();
    expect(snapshot.list('').map((f) => f.key)).toEqual(['later', 'lost', 'next']);
    expect(sync.revision).toBe(3);
  });

  it('after a feed reconnect while the store is down, asks the store again at the next gap', async () => {
    const { sync, snapshot, store, feed, commit, deliver, repairs } = await setup();
    await sync.start();
    const currentRevision = store.currentRevision.bind(store);
    store.currentRevision = async () => {
      throw new Error('store down');
    };
    feed.reconnect();
    await sync.settled();
    store.currentRevision = currentRevision;
    // A message for 2 arrives (1 was lost), and 3 was committed but never logged nor published.
    await commit('lost');
    const next = await commit('next');
    await store.insert('unlogged', body(true, ''), asCreate);
    await deliver(next);
    await sync.settled();
    expect(snapshot.get('unlogged')).not.toBeNull();
    expect(sync.revision).toBe(3);
    expect(repairs).toEqual(['reload']);
  });

  it('runs another repair after the current one when one is asked for while it runs', async () => {
    // No hold for gaps: a gap asks for a repair as soon as its timer fires.
    const { sync, snapshot, log, feed, commit, deliver, repairs } = await setup({ orderHoldMs: 0 });
    await sync.start();
    const reading = gate();
    const entered = gate();
    const since = log.since.bind(log);
    const reads = { now: 0, most: 0 };
    log.since = async (after) => {
      reads.most = Math.max(reads.most, ++reads.now);
      entered.open();
      const changes = await since(after); // what the log holds now...
      await reading.wait; // ...answered later
      reads.now--;
      return changes;
    };
    await commit('lost.1');
    await deliver(await commit('next.1'));
    await entered.wait; // the first repair is reading the log
    // Meanwhile another message is lost, and the feed reconnects: both ask for a repair.
    await commit('lost.2');
    await deliver(await commit('next.2'));
    feed.reconnect();
    reading.open();
    await sync.settled();
    expect(snapshot.list('lost').map((f) => f.key)).toEqual(['lost.1', 'lost.2']);
    expect(sync.revision).toBe(4);
    expect(repairs).toEqual(['log', 'log']);
    expect(reads.most).toBe(1); // one repair at a time
  });

  it('repairs from the log without asking the store, so a gap is closed while the store is down', async () => {
    const { sync, snapshot, store, feed, commit, deliver, repairs } = await setup();
    await sync.start();
    const currentRevision = store.currentRevision.bind(store);
    const storeDown = async (): Promise<never> => {
      throw new Error('store down');
    };
    store.currentRevision = storeDown;
    await commit('lost.1');
    await deliver(await commit('next.1'));
    await sync.settled();
    // A feed reconnect does ask the store, while it answers; the repairs after it need not.
    store.currentRevision = currentRevision;
    feed.reconnect();
    await sync.settled();
    store.currentRevision = storeDown;
    await commit('lost.2');
    await deliver(await commit('next.2'));
    await sync.settled();
    expect(snapshot.list('lost').map((f) => f.key)).toEqual(['lost.1', 'lost.2']);
    expect(sync.revision).toBe(4);
    expect(repairs).toEqual(['log', 'log', 'log']);
  });

  it('counts everything the log returns as seen, even past the message that revealed the gap', async () => {
    const { sync, snapshot, commit, deliver, repairs } = await setup();
    await sync.start();
    await commit('lost');
    const next = await commit('next');
    await commit('not-delivered-yet');
    await deliver(next);
    await sync.settled();
    expect(snapshot.get('not-delivered-yet')).not.toBeNull();
    expect(sync.revision).toBe(3);
    expect(repairs).toEqual(['log']);
  });

  it('counts the change that revealed the gap as seen even when the log does not hold it yet', async () => {
    const { sync, snapshot, store, log, commit, deliver, repairs } = await setup();
    await sync.start();
    await commit('lost');
    // Committed and published, but its log append has not landed yet.
    const result = await store.insert('unlogged', body(true, ''), asCreate);
    if (result.status !== 'ok') throw new Error(result.status);
    await deliver(result.change);
    await sync.settled();
    expect(snapshot.list('').map((f) => f.key)).toEqual(['lost', 'unlogged']);
    expect(sync.revision).toBe(2);
    // The next change follows on without another repair.
    await log.append(result.change);
    await deliver(await commit('next'));
    await sync.settled();
    expect(repairs).toEqual(['log']);
  });
});
