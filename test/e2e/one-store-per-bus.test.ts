import { mkdtemp } from 'node:fs/promises';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { openSse } from '../support/listeners.js';
import { startRedis, type TestRedis } from '../support/redis.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
interface FlagBody {
  key: string;
  isEnabled: boolean;
  description: string;
  version: number;
  revision: number;
}
interface ErrorBody {
  error: { code: string; message: string };
}
interface Readiness {
  status: string;
  error?: { code: string; message: string };
}

const readiness = async (app: App) => {
  const res = await client(app)('/readyz');
  return { httpStatus: res.status, ...((await res.json()) as Readiness) };
};

/** Polls `probe` until it holds (bounded): for a periodic check, which has no event to wait on. */
async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A TCP gate in front of Redis: closed, it drops every connection (Redis unreachable); open, it forwards. */
async function redisGate(redisUrl: string) {
  const target = new URL(redisUrl);
  let open = false;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    if (!open) {
      socket.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on('close', () => sockets.delete(end));
      end.on('error', () => {
        socket.destroy();
        upstream.destroy();
      });
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    open: () => {
      open = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What a refused write must answer, on every write path. */
async function expectRefused(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe('STORE_MISMATCH');
  // The message says what to change.
  expect(body.error.message).toMatch(/REDIS_KEY_PREFIX/);
  expect(body.error.message).toMatch(/MONGODB_URI/);
}

/**
 * Two instances with the embedded store (different DATA_DIRs) and the same REDIS_URL and prefix: the
 * misconfiguration that used to lose acknowledged writes. One store per bus: the second is refused.
 */
describe('one store per Redis bus', () => {
  let redis: TestRedis;
  const apps: App[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp(env);
    apps.push(app);
    return app;
  };
  // Streams a failing test left open would keep reconnecting (and jest from exiting).
  const streams: Array<{ close(): void }> = [];
  const stopAll = async () => {
    for (const stream of streams.splice(0)) stream.close();
    await Promise.allSettled(
      apps.splice(0).map(async (app) => {
        await app.stop();
        await app.removeDataDir();
      }),
    );
  };

  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterEach(stopAll);
  afterAll(async () => {
    await redis?.stop();
  });

  it('refuses writes on a second store behind the same prefix, and nothing the first acknowledged is lost or contradicted', async () => {
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix() };
    const a = await start(env);
    const stream = openSse(`${a.url}/feature-flags/stream?prefix=shared`);
    streams.push(stream);
    expect((await stream.next()).type).toBe('snapshot');
    expect(
      (await sendJson(a, 'POST', '/feature-flags', { key: 'shared.flag', isEnabled: false })).status,
    ).toBe(201);
    for (const isEnabled of [true, false, true]) {
      expect((await sendJson(a, 'PATCH', '/feature-flags/shared.flag', { isEnabled })).status).toBe(200);
    }
    const acknowledged = (await (await client(a)('/feature-flags/shared.flag')).json()) as FlagBody;
    expect(acknowledged).toMatchObject({ version: 4, isEnabled: true });
    for (let revision = 1; revision <= 4; revision++) {
      expect(await stream.next()).toMatchObject({ id: String(revision), data: { key: 'shared.flag' } });
    }

    // B's store has a history of its own, further along than A's (run alone before, without Redis).
    const alone = await start({});
    for (const isEnabled of [false, true, false, true, false, true, false]) {
      const res = await sendJson(alone, 'POST', '/feature-flags', { key: 'shared.flag', isEnabled });
      expect(res.status).toBeLessThan(300);
    }
    await alone.stop();
    // B: that DATA_DIR, A's Redis and prefix. It starts (reads are served) but says why it is not ready.
    const b = await start({ ...env, DATA_DIR: alone.dataDir });
    const bReady = await readiness(b);
    expect(bReady).toMatchObject({
      httpStatus: 503,
      status: 'misconfigured',
      error: { code: 'STORE_MISMATCH' },
    });
    expect(bReady.error?.message).toMatch(/REDIS_KEY_PREFIX/);
    expect(await readiness(a)).toMatchObject({ httpStatus: 200, status: 'ready' });

    // Every write path on B is refused with the same answer, whatever B's own store holds.
    await expectRefused(
      await sendJson(b, 'POST', '/feature-flags', { key: 'shared.flag', isEnabled: false }),
    );
    await expectRefused(await sendJson(b, 'POST', '/feature-flags', { key: 'shared.other' }));
    await expectRefused(await sendJson(b, 'PATCH', '/feature-flags/shared.flag', { isEnabled: false }));
    await expectRefused(await client(b)('/feature-flags/shared.flag', { method: 'DELETE' }));
    const mutation = await sendJson(b, 'POST', '/graphql', {
      query: 'mutation { toggleFlag(key: "shared.flag") { version } }',
    });
    const graphqlBody = (await mutation.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(graphqlBody.errors?.[0]?.extensions?.code).toBe('STORE_MISMATCH');

    // A: still its own value, and its next write takes the next revision: nothing of B's reached it.
    const onA = (await (await client(a)('/feature-flags/shared.flag')).json()) as FlagBody;
    expect(onA).toEqual(acknowledged);
    const next = await sendJson(a, 'PATCH', '/feature-flags/shared.flag', { description: 'after B' });
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ version: 5, revision: 5 });
    expect(await stream.next()).toMatchObject({
      id: '5',
      data: { key: 'shared.flag', flag: { version: 5 } },
    });
    expect(stream.pending).toBe(0);
    stream.close();

    // A restarted (same DATA_DIR, same Redis) serves its own latest write, not anything B left in Redis.
    await a.stop();
    const restarted = await start({ ...env, DATA_DIR: a.dataDir });
    const afterRestart = (await (await client(restarted)('/feature-flags/shared.flag')).json()) as FlagBody;
    expect(afterRestart).toMatchObject({ version: 5, isEnabled: true, description: 'after B' });
    expect(await readiness(restarted)).toMatchObject({ httpStatus: 200, status: 'ready' });
  }, 30_000);

  it('catches a second store that appears later: the bus claimed by another store while A runs', async () => {
    const keyPrefix = redis.keyPrefix();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix, RESYNC_CHECK_MS: '100' };
    const a = await start(env);
    expect((await sendJson(a, 'POST', '/feature-flags', { key: 'later.a', isEnabled: true })).status).toBe(
      201,
    );

    // Redis forgets the claim (flushed, or the key deleted) and another store's instance claims it before
    // A's next check: the same as the key now naming B's store, which is what is set here (no race).
    const bDir = await mkdtemp(join(tmpdir(), 'flagwire-test-'));
    const bStore = await FileFlagStore.open(bDir);
    const bStoreId = await bStore.identity();
    await bStore.close();
    const raw = new Redis(redis.url);
    try {
      await raw.set(`${keyPrefix}store`, bStoreId);
    } finally {
      raw.disconnect();
    }
    const b = await start({ ...env, DATA_DIR: bDir });
    expect(await readiness(b)).toMatchObject({ httpStatus: 200, status: 'ready' });

    // A notices at its next check: it refuses writes and says why; B, now the bus's store, takes writes.
    await eventually(async () => (await readiness(a)).status === 'misconfigured', 'A reports the mismatch');
    expect(await readiness(a)).toMatchObject({ httpStatus: 503, error: { code: 'STORE_MISMATCH' } });
    await expectRefused(await sendJson(a, 'PATCH', '/feature-flags/later.a', { isEnabled: false }));
    expect((await sendJson(b, 'POST', '/feature-flags', { key: 'later.b', isEnabled: true })).status).toBe(
      201,
    );
    // What A acknowledged before is still what A serves.
    expect(await (await client(a)('/feature-flags/later.a')).json()).toMatchObject({
      isEnabled: true,
      version: 1,
    });
  }, 30_000);

  it('checks on join: a second store that could not reach Redis at start is refused once it does', async () => {
    const keyPrefix = redis.keyPrefix();
    const a = await start({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: keyPrefix });
    expect((await sendJson(a, 'POST', '/feature-flags', { key: 'join.flag', isEnabled: true })).status).toBe(
      201,
    );

    // B reaches Redis only through a gate, closed at its start: it serves alone and cannot check yet.
    const gate = await redisGate(redis.url);
    try {
      const b = await start({ REDIS_URL: gate.url, REDIS_KEY_PREFIX: keyPrefix, RESYNC_CHECK_MS: '60000' });
      expect(await readiness(b)).toMatchObject({ httpStatus: 200, status: 'degraded' });
      // Like any instance without Redis, it takes writes (into its own store).
      expect(
        (await sendJson(b, 'POST', '/feature-flags', { key: 'join.flag', isEnabled: false })).status,
      ).toBe(201);

      // Redis answers: B checks when it joins (long before its next periodic check) and is refused.
      gate.open();
      await eventually(async () => (await readiness(b)).status === 'misconfigured', 'B refused on joining');
      await expectRefused(await sendJson(b, 'PATCH', '/feature-flags/join.flag', { isEnabled: true }));
      // A still serves what it acknowledged, and keeps taking writes.
      expect(await (await client(a)('/feature-flags/join.flag')).json()).toMatchObject({ isEnabled: true });
      expect((await sendJson(a, 'PATCH', '/feature-flags/join.flag', { description: 'A' })).status).toBe(200);
      expect(await readiness(a)).toMatchObject({ httpStatus: 200, status: 'ready' });
    } finally {
      await stopAll();
      await gate.close();
    }
  }, 30_000);
});
