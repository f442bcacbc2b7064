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

const silent = pino({ level: 'silent' });

/**
 * One instance's sync over real in-memory parts. `elsewhere` commits to the shared store, cache and
 * log like another instance would, but its feed messages reach us only through `deliver`, so a test
 * decides which messages are lost.
 */
async function setup(options: { sharedLog?: boolean; seed?: number; checkIntervalMs?: number } = {}) {
  const store = new MemoryFlagStore();
  const cache = new MemoryFlagCache();
  const log = new MemoryChangeLog({ capacity: 5 });
  const feed = new InProcessFeed();
  const otherFeed = new InProcessFeed();
  const elsewhere = new ChangeFanout(cache, log, otherFeed, silent);
  const commit = async (key: string, isEnabled = true): Promise<FlagChange> => {
    const current = await store.get(key);
    const result = current
      ? await store.update(key, current.version, { isEnabled, description: '' })
      : await store.insert(key, { isEnabled, description: '' });
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
  const sync = new SnapshotSync(snapshot, store, cache, log, feed, silent, {
    checkIntervalMs: options.checkIntervalMs ?? 0,
    sharedLog: options.sharedLog ?? true,
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
    const { sync, snapshot, commit, deliver, listed } = await setup();
    await sync.start();
    listed.count = 0;
    await deliver(await commit('a'));
    await deliver(await commit('b'));
    await sync.settled();
    expect(snapshot.list('').map((f) => f.key)).toEqual(['a', 'b']);
    expect(sync.revision).toBe(2);
    expect(listed.count).toBe(0);
  });

  it('recovers a lost message from the change log when the next change skips its revision', async () => {
    const { sync, snapshot, commit, deliver, listed } = await setup();
    await sync.start();
    listed.count = 0;
    await commit('lost'); // its message never arrives
    await deliver(await commit('next'));
    await sync.settled();
    expect(snapshot.get('lost')?.isEnabled).toBe(true);
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
    await store.insert('orphan', { isEnabled: true, description: 'never logged' });
    await appeared;
    expect(sync.revision).toBe(1);
    await sync.stop();
  });

  it('does not reload for a write the store has that is still on its way (seen at one check, arrived by the next)', async () => {
    const { sync, snapshot, store, cache, log, deliver } = await setup({ checkIntervalMs: 5 });
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
    const result = await store.insert('in-flight', { isEnabled: true, description: '' });
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
    expect(snapshot.get('in-flight')?.isEnabled).toBe(true);
    expect(reloads).toBe(0);
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
});
