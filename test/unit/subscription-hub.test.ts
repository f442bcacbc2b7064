import { describe, expect, it } from '@jest/globals';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { SlowConsumerError } from '../../src/graphql/bounded-stream.js';
import { SubscriptionHub } from '../../src/graphql/subscription-hub.js';
import { aFlag, upsertOf } from '../support/flags.js';

describe('SubscriptionHub', () => {
  it('after a snapshot reset, pushes the difference in scope, in revision order', async () => {
    const snapshot = new FlagSnapshot();
    snapshot.reset([aFlag('a.kept', 1), aFlag('a.gone', 2, { version: 3 }), aFlag('b.gone', 3)], 3);
    const hub = new SubscriptionHub(snapshot);
    const stream = hub.subscribe('a.');

    snapshot.reset([aFlag('a.kept', 1), aFlag('a.new', 5), aFlag('b.new', 6)], 7);
    expect((await stream.next()).value?.change).toEqual(upsertOf(aFlag('a.new', 5)));
    expect((await stream.next()).value?.change).toEqual({
      kind: 'delete',
      key: 'a.gone',
      revision: 7,
      version: 3,
    });
    await stream.return?.();
    hub.close();
  });

  it('cuts off a subscriber that falls too far behind with SLOW_CONSUMER, and keeps serving the others', async () => {
    const snapshot = new FlagSnapshot();
    const hub = new SubscriptionHub(snapshot, { maxQueuedChanges: 2 });
    const slow = hub.subscribe('');
    const reader = hub.subscribe('');
    const read = reader.next();

    snapshot.apply(upsertOf(aFlag('k1', 1)));
    snapshot.apply(upsertOf(aFlag('k2', 2)));
    expect(hub.subscriberCount).toBe(2);
    // A third change while two wait for `slow` is one too many; `reader` took k1, so it has room.
    snapshot.apply(upsertOf(aFlag('k3', 3)));

    // The slow one's queue is dropped: it fails at once, then ends.
    await expect(slow.next()).rejects.toBeInstanceOf(SlowConsumerError);
    expect(await slow.next()).toEqual({ done: true, value: undefined });
    expect(hub.subscriberCount).toBe(1);
    expect((await read).value?.change).toMatchObject({ key: 'k1' });
    // The one after it in the same push still got every change, k3 included.
    expect((await reader.next()).value?.change).toMatchObject({ key: 'k2' });
    expect((await reader.next()).value?.change).toMatchObject({ key: 'k3' });
    await reader.return?.();
    expect(hub.subscriberCount).toBe(0);
    hub.close();
  });

  it('close() ends every subscriber, including one waiting for a change', async () => {
    const hub = new SubscriptionHub(new FlagSnapshot());
    const waiting = hub.subscribe('x').next();
    hub.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(hub.subscriberCount).toBe(0);
  });

  it('hands each subscriber the change as its environment sees it, the view built once per environment', async () => {
    const snapshot = new FlagSnapshot();
    const hub = new SubscriptionHub(snapshot);
    // Two prefixes, one environment: one view.
    const staging = [hub.subscribe('', 'staging'), hub.subscribe('k', 'staging')];
    const all = hub.subscribe('');
    snapshot.apply(upsertOf(aFlag('k', 1)));
    const [first, second] = await Promise.all(staging.map((stream) => stream.next()));
    const whole = (await all.next()).value;
    expect(first?.value).toBe(second?.value);
    expect(first?.value?.scope).toBe('staging');
    expect(first?.value?.flag?.definition.environments).toEqual({});
    expect(whole?.flag?.definition.environments).toHaveProperty('production');
    hub.close();
  });
});
