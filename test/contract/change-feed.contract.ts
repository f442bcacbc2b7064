import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ChangeFeed } from '../../src/feed/change-feed.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { aFlag, upsertOf } from '../support/flags.js';

/** What a contract run needs from one implementation, made fresh for every test. */
export interface FeedUnderTest {
  feed: ChangeFeed;
  /** For shared feeds: another instance on the same bus (as another Flagwire process would open it). */
  peer?: () => Promise<ChangeFeed>;
  /** For feeds over a server this harness owns: stops it / restarts it with its data lost. */
  bus?: { stop(): Promise<void>; restart(): Promise<void> };
  /** Closes every feed opened for the test. */
  cleanup(): Promise<void>;
}

export interface FeedCapabilities {
  /** Instances share changes (`peer` is given). */
  readonly shared: boolean;
  /** The bus can be stopped and restarted (`bus` is given). */
  readonly faults: boolean;
}

const WAIT_MS = 15_000;
const T = '2024-01-01T00:00:00.000Z';

function upsert(key: string, revision: number): FlagChange {
  return upsertOf(
    aFlag(key, revision, { isEnabled: true, description: `r${revision}`, createdAt: T, updatedAt: T }),
  );
}

/** Fails with `what` instead of a bare jest timeout if `promise` takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Records what a feed delivers; `reached(n)` resolves once `n` changes have arrived. */
function recorder(feed: ChangeFeed) {
  const received: FlagChange[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  feed.subscribe((change) => {
    received.push(change);
    for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
  });
  const reached = (count: number, what: string) =>
    within(
      new Promise<void>((resolve) => {
        if (received.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
      `${count} changes (${what}); got ${received.length}`,
    );
  return { received, reached };
}

/** Resolves on the next gap `feed` reports. */
function nextGap(feed: ChangeFeed): Promise<void> {
  return new Promise((resolve) => {
    const off = feed.onGap(() => {
      off();
      resolve();
    });
  });
}

/** The behaviour every {@link ChangeFeed} promises; each implementation's test file runs it once. */
export function describeChangeFeedContract(
  name: string,
  capabilities: FeedCapabilities,
  factory: () => Promise<FeedUnderTest>,
): void {
  describe(`${name} (ChangeFeed contract)`, () => {
    let subject: FeedUnderTest;
    let feed: ChangeFeed;

    beforeEach(async () => {
      subject = await factory();
      feed = subject.feed;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    async function peer(): Promise<ChangeFeed> {
      if (!subject.peer) throw new Error('a shared feed must give peer()');
      return subject.peer();
    }

    it('publish resolves only after every local listener has received the change', async () => {
      const events: string[] = [];
      feed.subscribe((change) => events.push(`a:${change.revision}`));
      feed.subscribe((change) => events.push(`b:${change.revision}`));
      await feed.publish(upsert('f', 1));
      events.push('resolved');
      expect(events).toEqual(['a:1', 'b:1', 'resolved']);
    });

    it('an unsubscribed listener receives nothing more; the others still do', async () => {
      const kept = recorder(feed);
      const dropped: FlagChange[] = [];
      const off = feed.subscribe((change) => dropped.push(change));
      await feed.publish(upsert('f', 1));
      off();
      await feed.publish(upsert('f', 2));
      expect(dropped.map((change) => change.revision)).toEqual([1]);
      expect(kept.received.map((change) => change.revision)).toEqual([1, 2]);
    });

    if (capabilities.shared) {
      it('another instance receives each change once, in order; the publisher gets no echo', async () => {
        const other = await peer();
        const here = recorder(feed);
        const there = recorder(other);
        const changes = [
          upsert('a', 1),
          { kind: 'delete', key: 'a', revision: 2, version: 1 } as const,
          upsert('b', 3),
        ];
        for (const change of changes) await feed.publish(change);
        // Each side's last message is a barrier: Redis delivers in publish order, so once it has
        // arrived, every earlier message (a duplicate or an echo included) would have arrived too.
        await feed.publish(upsert('barrier', 4));
        await there.reached(4, 'on the other instance');
        await other.publish(upsert('barrier', 5));
        await here.reached(5, 'back on the publisher');
        // Every listener also hears its own instance's publishes, locally.
        const all = [...changes, upsert('barrier', 4), upsert('barrier', 5)];
        expect(there.received).toEqual(all);
        expect(here.received).toEqual(all);
      });
    }

    if (capabilities.faults) {
      it('onGap fires once the feed is back after the bus restarted, and changes flow again', async () => {
        const bus = subject.bus;
        if (!bus) throw new Error('a feed with faults must give bus');
        const other = await peer();
        const there = recorder(other);
        let gaps = 0;
        feed.onGap(() => gaps++);
        const gapped = Promise.all([nextGap(feed), nextGap(other)]);
        await bus.restart();
        await within(gapped, 'onGap on both instances after the restart');
        expect(gaps).toBe(1);
        // The publisher's own connection may come back a little later than the subscriber's:
        // publish until one arrives (publish never rejects, a lost one is only logged).
        let revision = 0;
        const arrived = there.reached(1, 'a change published after the restart');
        while (there.received.length === 0) {
          await feed.publish(upsert('after', ++revision));
          await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 100))]);
        }
        await arrived;
        expect(there.received[0]?.key).toBe('after');
      });

      it('publish resolves, after local delivery, while the bus is down', async () => {
        const bus = subject.bus;
        if (!bus) throw new Error('a feed with faults must give bus');
        const here = recorder(feed);
        try {
          await bus.stop();
          await expect(feed.publish(upsert('offline', 1))).resolves.toBeUndefined();
          expect(here.received).toEqual([upsert('offline', 1)]);
        } finally {
          await bus.restart();
        }
      });
    }
  });
}
