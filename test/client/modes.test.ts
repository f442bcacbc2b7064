import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import {
  createFlagClient,
  type Flag,
  type FlagClient,
  type FlagClientOptions,
  type FlagMode,
} from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { nextEvent } from './support/events.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const MODES: FlagMode[] = ['poll', 'sse', 'subscription'];
const SCOPES: Array<[string, string]> = [
  ['every flag', ''],
  ['prefix "beta."', 'beta.'],
];
/** Short delays so a test sees retries and polls in milliseconds; never falls back here. */
const FAST: Partial<FlagClientOptions> = {
  pollIntervalMs: 25,
  backoff: { initialDelayMs: 10, maxDelayMs: 100 },
  fallbackAfterFailures: Number.POSITIVE_INFINITY,
  webSocketImpl: WebSocket,
};

async function restList(app: TestApp, prefix: string): Promise<Flag[]> {
  const res = await fetch(`${app.url}/feature-flags${prefix ? `?prefix=${prefix}` : ''}`);
  return (await res.json()) as Flag[];
}

async function restUpsert(app: TestApp, key: string, isEnabled: boolean): Promise<Flag> {
  const res = await sendJson(app, 'POST', '/feature-flags', { key, isEnabled });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as Flag;
}

describe.each(MODES)('client in %s mode', (mode) => {
  describe.each(SCOPES)('over %s', (_scope, prefix) => {
    let app: TestApp;
    const clients: FlagClient[] = [];
    const open = (options: Partial<FlagClientOptions> = {}) => {
      const client = createFlagClient({ url: app.url, mode, prefix, ...FAST, ...options });
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      app = await startTestApp();
      await restUpsert(app, 'beta.on', true);
      await restUpsert(app, 'beta.off', false);
      await restUpsert(app, 'alpha.on', true);
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
    });
    afterAll(async () => {
      await app.stop();
      await app.removeDataDir();
    });

    it('ready() resolves with the full state in scope, as the REST list serves it', async () => {
      const client = open();
      await client.ready(5000);
      expect(client.getAll()).toEqual(await restList(app, prefix));
      expect(client.evaluate('beta.on', false)).toMatchObject({ value: true, reason: 'FLAG' });
      expect(client.evaluate('beta.off', true)).toMatchObject({ value: false, reason: 'FLAG' });
      expect(client.stats()).toMatchObject({ mode, ready: true, connected: true });
      // A flag outside the prefix is unknown to the client: it answers the default.
      expect(client.evaluate('alpha.on', false)).toEqual(
        prefix
          ? { value: false, reason: 'UNKNOWN_FLAG' }
          : expect.objectContaining({ value: true, reason: 'FLAG' }),
      );
    });

    it('emits a change event for a write made through the admin API, and isEnabled reflects it', async () => {
      const key = `beta.admin-${mode}`;
      const client = open();
      await client.ready(5000);
      expect(client.evaluate(key, true)).toEqual({ value: true, reason: 'UNKNOWN_FLAG' });

      const created = nextEvent(client, 'change', (event) => event.key === key);
      const flag = await client.admin.create({ key, isEnabled: false, description: 'from the client' });
      expect(await created).toMatchObject({
        kind: 'upsert',
        key,
        flag,
        revision: flag.revision,
        source: mode,
      });
      expect(client.isEnabled(key, true)).toBe(false);

      const toggled = nextEvent(client, 'change', (event) => event.key === key);
      const after = await client.admin.toggle(key);
      expect((await toggled).flag).toEqual(after);
      expect(client.isEnabled(key, false)).toBe(true);

      const deleted = nextEvent(client, 'change', (event) => event.key === key);
      const removal = await client.admin.delete(key);
      expect(await deleted).toMatchObject({ kind: 'delete', key, previous: after });
      expect(removal).toEqual({ key, version: after.version, revision: expect.any(Number) });
      expect(client.evaluate(key, true)).toEqual({ value: true, reason: 'UNKNOWN_FLAG' });
    });

    it('emits a change event for a write made through REST', async () => {
      const key = `beta.rest-${mode}`;
      const client = open();
      await client.ready(5000);
      const changed = nextEvent(client, 'change', (event) => event.key === key);
      const flag = await restUpsert(app, key, true);
      expect(await changed).toMatchObject({ kind: 'upsert', key, flag });
      expect(client.getFlag(key)).toEqual(flag);
    });

    it(
      prefix
        ? 'hears nothing of changes outside the prefix: the next event is the next change in scope'
        : 'hears changes to every flag',
      async () => {
        const client = open();
        await client.ready(5000);
        const next = nextEvent(client, 'change');
        await restUpsert(app, `alpha.outside-${mode}`, true);
        await restUpsert(app, `beta.inside-${mode}`, true);
        expect((await next).key).toBe(prefix ? `beta.inside-${mode}` : `alpha.outside-${mode}`);
        expect(client.getFlag(`alpha.outside-${mode}`) !== undefined).toBe(!prefix);
      },
    );
  });
});

describe.each(MODES)('client in %s mode across a server restart', (mode) => {
  it('serves last-known-good flags as STALE while the server is down, then reconnects and converges without missing a change', async () => {
    const first = await startTestApp({ SSE_RETRY_MS: '10' });
    const port = new URL(first.url).port;
    await restUpsert(first, 'beta.kept', true);
    await restUpsert(first, 'beta.flipped', false);
    const sent: Array<{ url: string; headers: Record<string, string> }> = [];
    const client = createFlagClient({
      url: first.url,
      mode,
      prefix: 'beta.',
      ...FAST,
      fetch: (input, init) => {
        sent.push({ url: input, headers: init.headers as Record<string, string> });
        return fetch(input, init);
      },
    });
    let second: TestApp | undefined;
    try {
      await client.ready(5000);
      expect(client.evaluate('beta.flipped', true)).toMatchObject({ value: false, reason: 'FLAG' });

      const lost = nextEvent(client, 'error');
      await first.stop();
      await lost;
      expect(client.stats().connected).toBe(false);
      expect(client.evaluate('beta.kept', false)).toMatchObject({ value: true, reason: 'STALE' });

      second = await startTestApp({ PORT: port, DATA_DIR: first.dataDir, SSE_RETRY_MS: '10' });
      // Written as soon as the server is back, whether or not the client has reconnected yet.
      const flipped = nextEvent(client, 'change', (event) => event.key === 'beta.flipped');
      const created = nextEvent(client, 'change', (event) => event.key === 'beta.new');
      await restUpsert(second, 'beta.flipped', true);
      await restUpsert(second, 'beta.new', true);
      await Promise.all([flipped, created]);

      expect(client.getAll()).toEqual(await restList(second, 'beta.'));
      expect(client.evaluate('beta.flipped', false)).toMatchObject({ value: true, reason: 'FLAG' });
      expect(client.stats()).toMatchObject({ connected: true, mode });
      expect(client.stats().reconnects).toBeGreaterThanOrEqual(1);
      if (mode === 'sse') {
        // Every reconnection resumes from the revision the client holds.
        const streams = sent.filter((request) => request.url.includes('/feature-flags/stream'));
        expect(streams[0]?.headers['last-event-id']).toBeUndefined();
        expect(streams.length).toBeGreaterThan(1);
        for (const stream of streams.slice(1)) expect(stream.headers['last-event-id']).toMatch(/^\d+$/);
      }
    } finally {
      await client.close();
      await second?.stop();
      await first.stop();
      await first.removeDataDir();
    }
  });
});
