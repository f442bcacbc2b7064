import { createFlagClient } from '@flagwire/client';
import { afterAll, afterEach, beforeAll, describe, expect } from '@jest/globals';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { seen } from '../support/flags.js';
import { openSse } from '../support/listeners.js';
import { startMongo } from '../support/mongo.js';
import { startRedis } from '../support/redis.js';
import { itWithOwnMongo, itWithOwnRedis } from '../support/skip.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** STORE_TIMEOUT_MS's default (README, src/config.ts): a write on a hung store answers 503 within it. */
const DEFAULT_STORE_TIMEOUT_MS = 5000;

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
    if (mongo.kind === 'jongodb-stand-in') mongo.resume(); // thaws it if a test failed while frozen
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

  itWithOwnRedis(
    'Redis down at start: the instance serves and takes writes alone, then joins the others when Redis returns',
    async () => {
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
    },
  );

  itWithOwnRedis(
    'Redis lost mid-run: writes persist and reach local clients; when it returns, the other instance catches up',
    async () => {
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
    },
    60_000,
  );

  itWithOwnMongo(
    'store frozen: reads are served from memory, writes answer 503 with Retry-After within STORE_TIMEOUT_MS (default 5 s) and change nothing',
    async () => {
      const a = await start(); // STORE_TIMEOUT_MS unset: the default bound is the one under test
      await sendJson(a, 'POST', '/feature-flags', { key: 'frozen.flag', isEnabled: true });
      const etag = (await client(a)('/feature-flags?prefix=frozen')).headers.get('etag') as string;
      // Looks at the store itself, beside the instance, to see what the refused write left behind.
      const observer = await MongoFlagStore.open(mongo.uri);
      const revisionBefore = await observer.currentRevision();

      await mongo.pause();
      // A DELETE without If-Match reads, takes a revision and writes in one store call: sent first (while
      // the driver still believes the server is up), its read reaches the frozen store, and it must not
      // go on to take a revision and write when the store thaws after its 503. Then a PATCH.
      for (const [method, body] of [
        ['DELETE', undefined],
        ['PATCH', { isEnabled: false }],
      ] as const) {
        const started = performance.now();
        const write = await sendJson(a, method, '/feature-flags/frozen.flag', body);
        const tookMs = performance.now() - started;
        process.stderr.write(
          `frozen store: ${method} answered ${write.status} after ${tookMs.toFixed(0)} ms\n`,
        );
        expect(write.status).toBe(503);
        expect(tookMs).toBeLessThan(DEFAULT_STORE_TIMEOUT_MS + 1000);
        expect(write.headers.get('retry-after')).toBeTruthy();
        expect(await write.json()).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
      }
      const poll = await client(a)('/feature-flags?prefix=frozen', { headers: { 'if-none-match': etag } });
      expect(poll.status).toBe(304);
      expect(await flagOn(a, 'frozen.flag')).toBe(true);
      const ready = await client(a)('/readyz');
      expect(ready.status).toBe(503);

      mongo.resume();
      await eventually(async () => (await client(a)('/readyz')).status === 200, 'the store answers again');
      // Nothing of the refused write reached the store once it thawed: not the flag, not even a revision.
      expect(seen(await observer.get('frozen.flag'))).toMatchObject({ isEnabled: true, version: 1 });
      expect(await observer.currentRevision()).toBe(revisionBefore);
      const retried = await sendJson(a, 'PATCH', '/feature-flags/frozen.flag', { isEnabled: false });
      expect(retried.status).toBe(200);
      expect(await retried.json()).toMatchObject({ isEnabled: false, version: 2 });
      expect(await flagOn(a, 'frozen.flag')).toBe(false);
      await observer.close();
    },
    60_000,
  );
});
