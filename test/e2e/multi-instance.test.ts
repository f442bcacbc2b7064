import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { sendJson, startTestApp } from '../support/app.js';
import { openSse, subscribeFlagChanged } from '../support/listeners.js';
import { startMongo } from '../support/mongo.js';
import { startRedis } from '../support/redis.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** Two instances sharing one store (MongoDB or the stand-in) and one Redis, as behind a load balancer. */
describe('two instances sharing a store and Redis', () => {
  let mongo: Awaited<ReturnType<typeof startMongo>>;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: App;
  let b: App;
  let env: Record<string, string>;

  beforeAll(async () => {
    [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
    env = {
      MONGODB_URI: mongo.uri,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix(),
      RESYNC_CHECK_MS: '100',
    };
    a = await startTestApp(env);
    b = await startTestApp(env);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await Promise.allSettled([a?.removeDataDir(), b?.removeDataDir(), redis?.stop(), mongo?.stop()]);
  });

  it('a change made on A reaches SSE and subscription clients on B, with the same revision', async () => {
    const subscription = subscribeFlagChanged(b.url, 'cross');
    // graphql-ws gives no "subscribed" acknowledgement: poke until the first event proves it is live.
    let probe = 0;
    for (;;) {
      await sendJson(a, 'POST', '/feature-flags', { key: 'cross.probe', description: `probe ${probe++}` });
      const first = await subscription.next(300).catch(() => undefined);
      if (first) break;
      if (probe > 30) throw new Error('subscription on B never became live');
    }
    const sse = openSse(`${b.url}/feature-flags/stream?prefix=cross`);
    expect((await sse.next()).type).toBe('snapshot');

    const created = await sendJson(a, 'POST', '/feature-flags', { key: 'cross.flag', isEnabled: true });
    const { revision } = (await created.json()) as { revision: number };

    let pushed = await subscription.next();
    while (pushed.key === 'cross.probe') pushed = await subscription.next();
    expect(pushed).toMatchObject({ kind: 'UPSERT', key: 'cross.flag', revision, flag: { isEnabled: true } });
    expect(await sse.next()).toMatchObject({
      type: 'upsert',
      id: String(revision),
      data: { key: 'cross.flag' },
    });

    sse.close();
    await subscription.close();
  });

  it("A's and B's ETags for the same prefix are equal after a change", async () => {
    const sse = openSse(`${b.url}/feature-flags/stream?prefix=etag`);
    await sse.next();
    await sendJson(a, 'POST', '/feature-flags', { key: 'etag.one', isEnabled: true });
    await sse.next(); // B has applied the change
    const [fromA, fromB] = await Promise.all([
      fetch(`${a.url}/feature-flags?prefix=etag`),
      fetch(`${b.url}/feature-flags?prefix=etag`),
    ]);
    expect(fromA.headers.get('etag')).toBe(fromB.headers.get('etag'));
    expect(await fromA.text()).toBe(await fromB.text());
    sse.close();
  });

  it('a change committed to the store without any message (a writer crashed) still reaches B', async () => {
    const sse = openSse(`${b.url}/feature-flags/stream?prefix=orphan`);
    expect(await sse.next()).toMatchObject({ type: 'snapshot', data: { flags: [] } });
    // A second writer on the same store that never publishes: as if it died right after committing.
    const writer = await MongoFlagStore.open(mongo.uri);
    try {
      await writer.insert('orphan.flag', { isEnabled: true, description: 'no message' });
    } finally {
      await writer.close();
    }
    // B's periodic check sees the store ahead of it, finds nothing in the change log, and reloads.
    const event = await sse.next(10_000);
    expect(event.type).toBe('snapshot');
    expect(event.data).toMatchObject({ flags: [{ key: 'orphan.flag', isEnabled: true }] });
    const onB = await fetch(`${b.url}/feature-flags/orphan.flag`);
    expect(onB.status).toBe(200);
    sse.close();
  });

  it('a third instance starting later loads its flags from the Redis cache, not the store', async () => {
    const store = await MongoFlagStore.open(mongo.uri);
    let listed = 0;
    const list = store.list.bind(store);
    store.list = (prefix: string) => {
      listed++;
      return list(prefix);
    };
    const c = await startTestApp(
      { REDIS_URL: env.REDIS_URL as string, REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX as string },
      { store },
    );
    try {
      // B is known to hold every flag so far (the previous test waited on it); A may still be converging.
      const [fromB, fromC] = await Promise.all([
        fetch(`${b.url}/feature-flags`),
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
