import { createFlagClient } from '@flagwire/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { client, sendJson, startTestApp } from '../support/app.js';
import { openSse } from '../support/listeners.js';
import { startMongo } from '../support/mongo.js';
import { startRedis } from '../support/redis.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** Polls `probe` until it holds (bounded): for convergence that has no event of its own to wait on. */
async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const flagOn = async (app: App, key: string) => {
  const res = await client(app)(`/feature-flags/${key}`);
  return res.status === 200 && ((await res.json()) as { isEnabled: boolean }).isEnabled;
};
const readiness = async (app: App) =>
  ((await (await client(app)('/readyz')).json()) as { status: string }).status;

describe('outages', () => {
  let mongo: Awaited<ReturnType<typeof startMongo>>;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let env: Record<string, string>;
  const apps: App[] = [];
  const start = async (extra: Record<string, string> = {}) => {
    const app = await startTestApp({ ...env, ...extra });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
    env = {
      MONGODB_URI: mongo.uri,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix(),
      RESYNC_CHECK_MS: '200',
    };
  }, 60_000);
  afterEach(async () => {
    mongo.resume();
    await Promise.allSettled(
      apps.splice(0).map(async (app) => {
        await app.stop();
        await app.removeDataDir();
      }),
    );
  });
  afterAll(async () => {
    await Promise.allSettled([redis?.stop(), mongo?.stop()]);
  });

  it('Redis down at start: the instance serves and takes writes alone, then joins the others when Redis returns', async () => {
    if (redis.external) return; // cannot stop a Redis we do not own
    await redis.stop();
    const a = await start();
    expect(await readiness(a)).toBe('degraded');
    const local = openSse(`${a.url}/feature-flags/stream?prefix=down`);
    await local.next();
    expect(
      (await sendJson(a, 'POST', '/feature-flags', { key: 'down.at-start', isEnabled: true })).status,
    ).toBe(201);
    expect(await local.next()).toMatchObject({ type: 'upsert', data: { key: 'down.at-start' } });

    await redis.restart();
    await eventually(async () => (await readiness(a)) === 'ready', 'A sees Redis again');
    const b = await start();
    // A joined the channel: a change made on B reaches A's stream.
    await eventually(async () => {
      await sendJson(b, 'POST', '/feature-flags', {
        key: 'down.after',
        isEnabled: true,
        description: `${Date.now()}`,
      });
      return flagOn(a, 'down.after');
    }, 'a change on B reaches A');
    local.close();
  });

  it('Redis lost mid-run: writes persist and reach local clients; when it returns, the other instance catches up', async () => {
    if (redis.external) return;
    const a = await start();
    const b = await start();
    const onB = openSse(`${b.url}/feature-flags/stream?prefix=mid`);
    const onA = openSse(`${a.url}/feature-flags/stream?prefix=mid`);
    await Promise.all([onA.next(), onB.next()]);
    // And a real client on B, as an application would run it.
    const app = createFlagClient({ url: b.url, mode: 'sse', prefix: 'mid' });
    await app.ready(10_000);

    await redis.stop();
    const written = await sendJson(a, 'POST', '/feature-flags', {
      key: 'mid.during-outage',
      isEnabled: true,
    });
    expect(written.status).toBe(201);
    expect(await onA.next()).toMatchObject({ type: 'upsert', data: { key: 'mid.during-outage' } });
    expect(await flagOn(a, 'mid.during-outage')).toBe(true);
    expect(await readiness(b)).toBe('degraded');

    await redis.restart(); // data lost, as after a crash
    const caughtUp = await onB.next(20_000);
    // B resynchronised: a fresh snapshot (or the change itself) carrying the flag written during the outage.
    const keys =
      caughtUp.type === 'snapshot'
        ? (caughtUp.data as { flags: Array<{ key: string }> }).flags.map((f) => f.key)
        : [(caughtUp.data as { key: string }).key];
    expect(keys).toContain('mid.during-outage');
    expect(await flagOn(b, 'mid.during-outage')).toBe(true);
    await eventually(async () => {
      const [x, y] = await Promise.all([client(a)('/feature-flags'), client(b)('/feature-flags')]);
      return x.headers.get('etag') === y.headers.get('etag');
    }, "A's and B's views agree");
    // The application's client ends with the correct flags, not a stale view.
    await eventually(
      async () => app.isEnabled('mid.during-outage', false),
      'the client on B sees the change',
    );
    expect(app.evaluate('mid.during-outage', false)).toMatchObject({ value: true, reason: 'FLAG' });
    await app.close();
    onA.close();
    onB.close();
  }, 60_000);

  it('store unreachable: reads are served from memory, writes answer 503 with Retry-After and change nothing', async () => {
    const a = await start();
    await sendJson(a, 'POST', '/feature-flags', { key: 'frozen.flag', isEnabled: true });
    const etag = (await client(a)('/feature-flags?prefix=frozen')).headers.get('etag') as string;

    mongo.pause();
    const write = await sendJson(a, 'PATCH', '/feature-flags/frozen.flag', { isEnabled: false });
    expect(write.status).toBe(503);
    expect(write.headers.get('retry-after')).toBeTruthy();
    expect(await write.json()).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
    const poll = await client(a)('/feature-flags?prefix=frozen', { headers: { 'if-none-match': etag } });
    expect(poll.status).toBe(304);
    expect(await flagOn(a, 'frozen.flag')).toBe(true);
    const ready = await client(a)('/readyz');
    expect(ready.status).toBe(503);

    mongo.resume();
    await eventually(async () => (await client(a)('/readyz')).status === 200, 'the store answers again');
    const retried = await sendJson(a, 'PATCH', '/feature-flags/frozen.flag', { isEnabled: false });
    expect(retried.status).toBe(200);
    expect(await flagOn(a, 'frozen.flag')).toBe(false);
  }, 60_000);
});
