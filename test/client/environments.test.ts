import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import {
  createFlagClient,
  type FlagClient,
  type FlagClientOptions,
  type FlagMode,
} from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { nextEvent } from './support/events.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ADMIN = 'admin-token-0123456789';
const STAGING_READER = 'staging-reader-0123456789';
const MODES: FlagMode[] = ['poll', 'sse', 'subscription'];
const FAST: Partial<FlagClientOptions> = {
  pollIntervalMs: 25,
  backoff: { initialDelayMs: 10, maxDelayMs: 100 },
  fallbackAfterFailures: Number.POSITIVE_INFINITY,
  webSocketImpl: WebSocket,
};

describe.each(MODES)('a client with environment "staging" in %s mode', (mode) => {
  let app: TestApp;
  const clients: FlagClient[] = [];
  const admin = (method: string, path: string, body: unknown) =>
    sendJson(app, method, path, body, { authorization: `Bearer ${ADMIN}` });
  const open = (token: string, options: Partial<FlagClientOptions> = {}) => {
    const client = createFlagClient({ url: app.url, mode, token, prefix: 'env.', ...FAST, ...options });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startTestApp({ ADMIN_TOKENS: ADMIN, CLIENT_TOKENS: `staging ${STAGING_READER}` });
    expect((await admin('POST', '/environments', { key: 'staging' })).status).toBe(201);
    // On in production, off in staging.
    expect((await admin('POST', '/feature-flags', { key: 'env.a', isEnabled: true })).status).toBe(201);
    expect(
      (await admin('POST', '/feature-flags?environment=staging', { key: 'env.a', isEnabled: false })).status,
    ).toBe(200);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('reads and evaluates staging, and follows a change made in staging', async () => {
    const client = open(ADMIN, { environment: 'staging' });
    await client.ready(5000);
    expect(client.isEnabled('env.a', true)).toBe(false);
    expect(client.getBooleanValue('env.a', true)).toBe(false);
    expect(Object.keys(client.getAll()[0]?.definition?.environments ?? {})).toEqual(['staging']);

    const changed = nextEvent(client, 'change', (event) => event.key === 'env.a');
    expect(
      (await admin('PATCH', '/feature-flags/env.a?environment=staging', { isEnabled: true })).status,
    ).toBe(200);
    await changed;
    expect(client.isEnabled('env.a', false)).toBe(true);
    expect(client.getBooleanValue('env.a', false)).toBe(true);
    expect(
      (await admin('PATCH', '/feature-flags/env.a?environment=staging', { isEnabled: false })).status,
    ).toBe(200);
  });

  it('works with a client token bound to staging', async () => {
    const client = open(STAGING_READER, { environment: 'staging' });
    await client.ready(5000);
    expect(client.stats()).toMatchObject({ ready: true, connected: true });
    expect(client.getBooleanValue('env.a', true)).toBe(false);
  });
});
