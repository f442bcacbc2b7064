import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { WebSocket } from 'ws';
import type { FlagMode } from '../../client/src/index.js';
import { FlagwireProvider, type FlagwireProviderOptions } from '../../client/src/openfeature/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { EventLog, is } from './support/openfeature.js';
import { startProxy } from './support/proxy.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ADMIN = 'admin-token-for-openfeature-events';
const READER = 'server-token-for-openfeature-events';
const { Ready, Stale, Error: ErrorEvent, ConfigurationChanged } = ProviderEvents;

/** A port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const admin = (app: TestApp, method: string, path: string, body?: unknown) =>
  sendJson(app, method, path, body, { authorization: `Bearer ${ADMIN}` });

describe('FlagwireProvider through @openfeature/server-sdk: events', () => {
  let redis: TestRedis;
  let domains = 0;
  const apps: TestApp[] = [];
  /** The app with Redis and tokens; `env` on top (a fixed PORT or DATA_DIR to come back as the same service). */
  const start = async (env: Record<string, string> = {}) => {
    const app = await startTestApp({
      ADMIN_TOKENS: ADMIN,
      CLIENT_TOKENS: READER,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      // The SSE `retry:` hint is a floor under the client's backoff: short, so a retry shows at once.
      SSE_RETRY_MS: '20',
      ...env,
    });
    apps.push(app);
    return app;
  };
  let prefix = '';
  /** Sets a provider on a domain of its own and logs what its client hears; `ready` is setProviderAndWait's promise. */
  const provide = (url: string, options: Partial<FlagwireProviderOptions> = {}) => {
    const domain = `events-${++domains}`;
    const provider = new FlagwireProvider({
      url,
      token: READER,
      webSocketImpl: WebSocket,
      backoff: { initialDelayMs: 5, maxDelayMs: 50 },
      ...options,
    });
    const ready = OpenFeature.setProviderAndWait(domain, provider);
    const client = OpenFeature.getClient(domain);
    return { provider, client, log: new EventLog(client), ready };
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await OpenFeature.clearProviders();
    OpenFeature.clearHandlers();
    for (const app of apps.splice(0)) {
      await app.stop();
      await app.removeDataDir();
    }
  });
  afterAll(async () => {
    await redis?.stop();
  });

  describe.each<FlagMode>(['sse', 'subscription'])('in %s mode', (mode) => {
    it('emits READY, STALE when the server goes away (serving the last-known flags), READY when it is back, and CONFIGURATION_CHANGED naming exactly what changed meanwhile', async () => {
      prefix = redis.keyPrefix();
      const first = await start();
      const { port } = new URL(first.url);
      for (const [key, isEnabled] of [
        ['of.kept', true],
        ['of.toggled', false],
        ['of.deleted', true],
      ] as const)
        expect((await admin(first, 'POST', '/feature-flags', { key, isEnabled })).status).toBe(201);

      const { client, log, ready } = provide(first.url, { mode, fallbackAfterFailures: Infinity });
      await ready;
      expect(log.statusEvents()).toEqual([Ready]);

      // The service stops: the stream is lost.
      const lost = log.length;
      await first.stop();
      await log.until(is(Stale), lost);
      expect(client.providerStatus).toBe(ProviderStatus.STALE);
      expect(await client.getBooleanDetails('of.toggled', true)).toMatchObject({
        value: false,
        reason: 'DISABLED',
      });

      // Meanwhile another instance of the same service (same store, same Redis) takes writes.
      const writer = await start({ DATA_DIR: first.dataDir });
      expect((await admin(writer, 'PATCH', '/feature-flags/of.toggled', { isEnabled: true })).status).toBe(
        200,
      );
      expect(
        (await admin(writer, 'POST', '/feature-flags', { key: 'of.created', isEnabled: true })).status,
      ).toBe(201);
      expect((await admin(writer, 'DELETE', '/feature-flags/of.deleted')).status).toBe(204);
      await writer.stop();

      // The service is back where the provider looks for it.
      const back = await start({ DATA_DIR: first.dataDir, PORT: port });
      await log.until(is(Ready), lost);
      expect(client.providerStatus).toBe(ProviderStatus.READY);
      // A last write marks the end: everything heard since the loss, up to it, is what changed.
      expect(
        (await admin(back, 'POST', '/feature-flags', { key: 'of.marker', isEnabled: true })).status,
      ).toBe(201);
      const marker = await log.until(
        is(ConfigurationChanged, (e) => !!e.flagsChanged?.includes('of.marker')),
        lost,
      );
      expect(log.changedKeys(lost, marker + 1)).toEqual([
        'of.created',
        'of.deleted',
        'of.marker',
        'of.toggled',
      ]);
      expect(log.statusEvents()).toEqual([Ready, Stale, Ready]);

      expect(await client.getBooleanValue('of.toggled', false)).toBe(true);
      expect(await client.getBooleanValue('of.created', false)).toBe(true);
      expect(await client.getBooleanValue('of.kept', false)).toBe(true);
      expect(await client.getBooleanDetails('of.deleted', false)).toMatchObject({
        errorCode: ErrorCode.FLAG_NOT_FOUND,
      });
    });

    it('goes FATAL (ERROR with PROVIDER_FATAL) and stops connecting when the service it comes back to refuses the token', async () => {
      prefix = redis.keyPrefix();
      const first = await start();
      const { port } = new URL(first.url);
      const proxy = await startProxy(first.url);
      try {
        expect(
          (await admin(first, 'POST', '/feature-flags', { key: 'of.revoked', isEnabled: true })).status,
        ).toBe(201);
        const { client, log, ready } = provide(proxy.url, { mode, fallbackAfterFailures: Infinity });
        await ready;

        const lost = log.length;
        await first.stop();
        await log.until(is(Stale), lost);
        await start({
          DATA_DIR: first.dataDir,
          PORT: port,
          CLIENT_TOKENS: 'a-token-the-provider-does-not-have',
        });
        const fatal = await log.until(is(ErrorEvent), lost);
        expect(log.heard[fatal]).toMatchObject({ errorCode: ErrorCode.PROVIDER_FATAL });
        expect(client.providerStatus).toBe(ProviderStatus.FATAL);
        expect(log.statusEvents()).toEqual([Ready, Stale, ErrorEvent]);
        expect(await client.getBooleanDetails('of.revoked', false)).toMatchObject({
          value: false,
          reason: 'ERROR',
          errorCode: ErrorCode.PROVIDER_FATAL,
        });
        // Nothing more is asked (backoff of 5-50 ms: a client still retrying would ask several times here).
        const asked = proxy.requests.length;
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(proxy.requests.length).toBe(asked);
      } finally {
        await proxy.close();
      }
    });
  });

  describe.each<FlagMode>(['sse', 'subscription', 'poll'])('in %s mode', (mode) => {
    it('fails initialisation as PROVIDER_FATAL on a token the service refuses, and never tries again', async () => {
      prefix = redis.keyPrefix();
      const app = await start();
      const proxy = await startProxy(app.url);
      try {
        const { client, ready } = provide(proxy.url, {
          mode,
          token: 'not-a-token',
          pollIntervalMs: 5,
          backoff: { initialDelayMs: 1, maxDelayMs: 2 },
        });
        await expect(ready).rejects.toMatchObject({ code: ErrorCode.PROVIDER_FATAL });
        expect(client.providerStatus).toBe(ProviderStatus.FATAL);
        expect(await client.getBooleanDetails('of.any', true)).toMatchObject({
          value: true,
          errorCode: ErrorCode.PROVIDER_FATAL,
        });
        // Nothing more comes: a client still retrying would have asked dozens of times in this window
        // (backoff of 1-2 ms). The one wait of this file: absence can only be observed over time.
        const asked = proxy.requests.length;
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(proxy.requests.length).toBe(asked);
      } finally {
        await proxy.close();
      }
    });
  });

  it('fails initialisation (ERROR) when no state arrives within initTimeoutMs, answers PROVIDER_NOT_READY, and emits READY once the service is up', async () => {
    prefix = redis.keyPrefix();
    const port = await freePort();
    const { client, log, ready } = provide(`http://127.0.0.1:${port}`, {
      initTimeoutMs: 200,
      pollIntervalMs: 50,
    });
    await expect(ready).rejects.toMatchObject({ code: ErrorCode.GENERAL, message: /within 200 ms/ });
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(await client.getBooleanDetails('of.late', false)).toMatchObject({
      value: false,
      errorCode: ErrorCode.PROVIDER_NOT_READY,
    });

    const app = await start({ PORT: String(port) });
    expect((await admin(app, 'POST', '/feature-flags', { key: 'of.late', isEnabled: true })).status).toBe(
      201,
    );
    await log.until(is(Ready));
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(log.statusEvents()).toEqual([ErrorEvent, Ready]);
    // The flag may have come with the first state or just after it.
    if (!(await client.getBooleanValue('of.late', false)))
      await log.until(is(ConfigurationChanged, (e) => !!e.flagsChanged?.includes('of.late')));
    expect(await client.getBooleanValue('of.late', false)).toBe(true);
  });
});
