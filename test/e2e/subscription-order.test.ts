import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { subscriptionHubOf } from '../../src/graphql/mount.js';
import type { SubscriptionHub } from '../../src/graphql/subscription-hub.js';
import { sendJson, type startTestApp } from '../support/app.js';
import { type InstancePair, startInstancePair } from '../support/instance-pair.js';
import { until } from '../support/sse.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const WRITES = 120;
const WRITERS = 3;
const FLAG_CHANGED =
  'subscription Changes($prefix: String) { flagChanged(prefix: $prefix) { key revision } }';

/**
 * PROTOCOL.md: events on a stream carry strictly increasing revisions. Two instances share a MongoDB
 * store and Redis; three concurrent writer loops write the same keys through both, so each instance
 * gets changes slightly out of revision order (its own and the other's, over pub/sub) and sees burned
 * revisions (upserts that lose their version guard). A subscriber on each instance must still get
 * every change in scope exactly once, in strictly increasing revision order.
 */
describe('GraphQL flagChanged under concurrent writers on two instances', () => {
  let pair: InstancePair | undefined;
  let a: App;
  let b: App;
  const clients: Client[] = [];

  beforeAll(async () => {
    pair = await startInstancePair();
    ({ a, b } = pair);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.dispose()));
    await pair?.stop();
  });

  function hubOf(app: App): SubscriptionHub {
    const hub = subscriptionHubOf(app.server);
    if (!hub) throw new Error('no subscription hub');
    return hub;
  }

  /** Subscribes on `app` and collects the revisions it is sent, until `last` says stop. */
  async function subscribe(app: App) {
    const client = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    clients.push(client);
    const hub = hubOf(app);
    const before = hub.subscriberCount;
    const subscription = client.iterate<{ flagChanged: { key: string; revision: number } }>({
      query: FLAG_CHANGED,
      variables: { prefix: 'order.' },
    });
    const revisions: number[] = [];
    const reading = (async () => {
      for await (const result of subscription) {
        expect(result.errors).toBeUndefined();
        const revision = result.data?.flagChanged.revision;
        if (revision === undefined) throw new Error('a change without a revision');
        revisions.push(revision);
      }
    })();
    await until(() => hub.subscriberCount === before + 1, 'the subscription to be live');
    return { revisions, stop: () => subscription.return?.(), reading };
  }

  it('sends every change in scope exactly once, with strictly increasing revisions, on both instances', async () => {
    const onA = await subscribe(a);
    const onB = await subscribe(b);

    const inScope: number[] = [];
    let started = 0;
    const loop = async () => {
      for (let i = started++; i < WRITES; i = started++) {
        const key = i % 5 === 0 ? `other.${i % 3}` : `order.${i % 4}`;
        const res = await sendJson(i % 2 === 0 ? a : b, 'POST', '/feature-flags', {
          key,
          description: `${i}`,
        });
        expect(res.status).toBeLessThan(300);
        const { revision } = (await res.json()) as { revision: number };
        if (key.startsWith('order.')) inScope.push(revision);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, loop));
    const sentinel = await sendJson(a, 'POST', '/feature-flags', { key: 'order.sentinel' });
    const last = ((await sentinel.json()) as { revision: number }).revision;

    const expected = [...inScope.sort((x, y) => x - y), last];
    for (const [name, subscriber] of [
      ['A', onA],
      ['B', onB],
    ] as const) {
      await until(() => subscriber.revisions.includes(last), `the sentinel on ${name}`, 15_000);
      const { revisions } = subscriber;
      const decreases = revisions.filter((revision, i) => i > 0 && revision <= (revisions[i - 1] ?? 0));
      expect({ instance: name, decreases }).toEqual({ instance: name, decreases: [] });
      expect(revisions).toEqual(expected);
    }
    await Promise.all([onA.stop(), onB.stop()]);
  });
});
