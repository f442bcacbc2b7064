import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { sendJson, startTestApp } from '../support/app.js';
import { asCreate } from '../support/audit.js';
import { legacyBody } from '../support/flags.js';
import { openSse, subscribeFlagChanged } from '../support/listeners.js';
import { startMongo, uniqueDatabaseName, withDatabase } from '../support/mongo.js';
import { startRedis } from '../support/redis.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/**
 * How long a change acknowledged by A may take to reach a client of B through Redis pub/sub (measured
 * ~2 ms p50 on these machines; the margin is for a CPU shared with other work). B's periodic store
 * check runs once an hour in those tests, so only the pub/sub message can meet this bound.
 */
const PUBSUB_BOUND_MS = 1000;
const ONE_HOUR_MS = '3600000';

let mongo: Awaited<ReturnType<typeof startMongo>>;
let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => {
  [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([redis?.stop(), mongo?.stop()]);
});

/**
 * Two instances sharing one store (MongoDB or the stand-in, a database of their own) and one Redis
 * (a key prefix of their own), as behind a load balancer.
 */
function twoInstances(resyncCheckMs: string) {
  const pair = {} as { a: App; b: App; env: Record<string, string>; storeUri: string };
  beforeAll(async () => {
    pair.storeUri = withDatabase(mongo.uri, uniqueDatabaseName());
    pair.env = {
      MONGODB_URI: pair.storeUri,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix(),
      RESYNC_CHECK_MS: resyncCheckMs,
    };
    pair.a = await startTestApp(pair.env);
    pair.b = await startTestApp(pair.env);
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([pair.a?.stop(), pair.b?.stop()]);
    await Promise.allSettled([pair.a?.removeDataDir(), pair.b?.removeDataDir()]);
  });
  return pair;
}

async function create(app: App, key: string, fields: Record<string, unknown> = {}) {
  const res = await sendJson(app, 'POST', '/feature-flags', { key, ...fields });
  expect(res.status).toBeLessThan(300);
  return { ...((await res.json()) as { revision: number; version: number }), ackedAt: performance.now() };
}

describe('two instances, delivering through Redis pub/sub (the store check is an hour away)', () => {
  const pair = twoInstances(ONE_HOUR_MS);

  it(`a change made on A reaches an SSE client on B within ${PUBSUB_BOUND_MS} ms, with the same revision`, async () => {
    const { a, b } = pair;
    const sse = openSse(`${b.url}/feature-flags/stream?prefix=sse`);
    try {
      expect((await sse.next()).type).toBe('snapshot');

      const created = await create(a, 'sse.flag', { isEnabled: true });
      const upsert = await sse.next(PUBSUB_BOUND_MS);
      expect(upsert).toMatchObject({
        type: 'upsert',
        id: String(created.revision),
        data: { key: 'sse.flag' },
      });
      expect(upsert.receivedAt - created.ackedAt).toBeLessThan(PUBSUB_BOUND_MS);

      expect((await fetch(`${a.url}/feature-flags/sse.flag`, { method: 'DELETE' })).status).toBe(204);
      const deletedAt = performance.now();
      const removal = await sse.next(PUBSUB_BOUND_MS);
      expect(removal).toMatchObject({ type: 'delete', data: { key: 'sse.flag' } });
      expect(removal.receivedAt - deletedAt).toBeLessThan(PUBSUB_BOUND_MS);
    } finally {
      sse.close();
    }
  });

  it(`a change made on A reaches a GraphQL subscription on B within ${PUBSUB_BOUND_MS} ms, with the same revision`, async () => {
    const { a, b } = pair;
    const subscription = subscribeFlagChanged(b.url, 'sub');
    try {
      // graphql-ws gives no "subscribed" acknowledgement: poke B itself (local delivery, no pub/sub)
      // until the first event proves the subscription is live.
      for (let probe = 0; ; probe++) {
        await create(b, 'sub.probe', { description: `probe ${probe}` });
        if (await subscription.next(300).catch(() => undefined)) break;
        if (probe > 30) throw new Error('subscription on B never became live');
      }

      const created = await create(a, 'sub.flag', { isEnabled: true });
      let pushed = await subscription.next(PUBSUB_BOUND_MS);
      // A late probe event may still be on its way.
      while (pushed.key === 'sub.probe') pushed = await subscription.next(PUBSUB_BOUND_MS);
      expect(pushed).toMatchObject({
        kind: 'UPSERT',
        key: 'sub.flag',
        revision: created.revision,
        flag: { isEnabled: true },
      });
      expect(pushed.receivedAt - created.ackedAt).toBeLessThan(PUBSUB_BOUND_MS);
      expect(subscription.errors).toEqual([]);
    } finally {
      await subscription.close();
    }
  });

  it(`a REST poll on B answers a change made on A within ${PUBSUB_BOUND_MS} ms, with A's body and ETag`, async () => {
    const { a, b } = pair;
    // Made on B, which serves its own writes at once: B's ETag for the prefix is current, and from here
    // on it only moves when a message from A arrives.
    await create(b, 'poll.first');
    const first = await fetch(`${b.url}/feature-flags?prefix=poll`);
    expect(await first.json()).toMatchObject([{ key: 'poll.first' }]);
    const etag = first.headers.get('etag') as string;

    const created = await create(a, 'poll.second', { isEnabled: true });
    // Poll as a client does, revalidating with the ETag it holds, until B answers 200.
    let answer: Response;
    for (;;) {
      answer = await fetch(`${b.url}/feature-flags?prefix=poll`, { headers: { 'If-None-Match': etag } });
      if (answer.status === 200) break;
      expect(answer.status).toBe(304);
      if (performance.now() - created.ackedAt > PUBSUB_BOUND_MS) {
        throw new Error(`B still answered 304 ${PUBSUB_BOUND_MS} ms after A acknowledged the change`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const body = await answer.text();
    expect(JSON.parse(body)).toMatchObject([
      { key: 'poll.first' },
      { key: 'poll.second', isEnabled: true, revision: created.revision },
    ]);
    const fromA = await fetch(`${a.url}/feature-flags?prefix=poll`);
    expect(answer.headers.get('etag')).toBe(fromA.headers.get('etag'));
    expect(body).toBe(await fromA.text());
  });

  it("A's and B's ETags for the same prefix are equal after a change", async () => {
    const { a, b } = pair;
    const sse = openSse(`${b.url}/feature-flags/stream?prefix=etag`);
    try {
      await sse.next();
      await create(a, 'etag.one', { isEnabled: true });
      await sse.next(PUBSUB_BOUND_MS); // B has applied the change
      const [fromA, fromB] = await Promise.all([
        fetch(`${a.url}/feature-flags?prefix=etag`),
        fetch(`${b.url}/feature-flags?prefix=etag`),
      ]);
      expect(fromA.headers.get('etag')).toBe(fromB.headers.get('etag'));
      expect(await fromA.text()).toBe(await fromB.text());
    } finally {
      sse.close();
    }
  });
});

describe('two instances: the repair path (a store check every 100 ms)', () => {
  const pair = twoInstances('100');

  it('repair path: a change committed to the store without any message (a writer crashed) still reaches B', async () => {
    const sse = openSse(`${pair.b.url}/feature-flags/stream?prefix=orphan`);
    try {
      expect(await sse.next()).toMatchObject({ type: 'snapshot', data: { flags: [] } });
      // A second writer on the same store that never publishes: as if it died right after committing.
      const writer = await MongoFlagStore.open(pair.storeUri);
      try {
        await writer.insert('orphan.flag', legacyBody('orphan.flag', true, 'no message'), asCreate);
      } finally {
        await writer.close();
      }
      // B's periodic check sees the store ahead of it, finds nothing in the change log, and reloads.
      const event = await sse.next(10_000);
      expect(event.type).toBe('snapshot');
      expect(event.data).toMatchObject({ flags: [{ key: 'orphan.flag', isEnabled: true }] });
      const onB = await fetch(`${pair.b.url}/feature-flags/orphan.flag`);
      expect(onB.status).toBe(200);
    } finally {
      sse.close();
    }
  });

  it('a third instance starting later loads its flags from the Redis cache, not the store', async () => {
    const store = await MongoFlagStore.open(pair.storeUri);
    let listed = 0;
    const list = store.list.bind(store);
    store.list = (prefix: string) => {
      listed++;
      return list(prefix);
    };
    const c = await startTestApp(
      { REDIS_URL: pair.env.REDIS_URL as string, REDIS_KEY_PREFIX: pair.env.REDIS_KEY_PREFIX as string },
      { store },
    );
    try {
      // B is known to hold every flag so far (the previous test waited on it); A may still be converging.
      const [fromB, fromC] = await Promise.all([
        fetch(`${pair.b.url}/feature-flags`),
        fetch(`${c.url}/feature-flags`),
      ]);
      expect(fromC.headers.get('etag')).toBe(fromB.headers.get('etag'));
      expect(listed).toBe(0);
    } finally {
      await c.stop();
      await c.removeDataDir();
    }
  });
});
