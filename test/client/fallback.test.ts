import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { createFlagClient, type FlagClient, type FlagClientOptions } from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { nextEvent, record } from './support/events.js';
import { startProxy, type TestProxy } from './support/proxy.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const FAST: Partial<FlagClientOptions> = {
  pollIntervalMs: 20,
  backoff: { initialDelayMs: 5, maxDelayMs: 40 },
  webSocketImpl: WebSocket,
};

describe('client behind a proxy that breaks streaming', () => {
  let app: TestApp;
  let proxy: TestProxy;
  const clients: FlagClient[] = [];
  const open = (options: Partial<FlagClientOptions>) => {
    const client = createFlagClient({ url: proxy.url, ...FAST, ...options });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startTestApp({ SSE_RETRY_MS: '5' });
    await sendJson(app, 'POST', '/feature-flags', { key: 'beta.a', isEnabled: true });
  });
  beforeEach(async () => {
    proxy = await startProxy(app.url);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await proxy.close();
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it.each([
    ['sse', 'the stream answers 500'],
    ['subscription', 'WebSocket upgrades are refused'],
  ] as const)(
    '%s: falls back to polling after fallbackAfterFailures failures when %s, and streams again once it works',
    async (mode, _how) => {
      proxy.state.stream = 'fail';
      proxy.state.websocket = 'refuse';
      const client = open({ mode, prefix: 'beta.', fallbackAfterFailures: 2, streamRetryMs: 50 });
      const modes = record(client, 'mode');
      const errors = record(client, 'error');

      const fellBack = nextEvent(client, 'mode');
      await client.ready(5000);
      expect(await fellBack).toEqual({ mode: 'poll', previous: mode, reason: 'fallback' });
      expect(errors.seen.length).toBeGreaterThanOrEqual(2);
      expect(client.stats()).toMatchObject({ mode: 'poll', fallbacks: 1, ready: true });

      // While polling, changes still arrive.
      const polled = nextEvent(client, 'change', (event) => event.key === 'beta.during-fallback');
      await client.admin.set({ key: 'beta.during-fallback', isEnabled: true });
      expect(await polled).toMatchObject({ source: 'poll' });
      expect(client.evaluate('beta.during-fallback', false)).toMatchObject({ value: true, reason: 'FLAG' });

      // Streaming is retried every streamRetryMs and takes over once it works; polling stops.
      const restored = nextEvent(client, 'mode');
      proxy.state.stream = 'forward';
      proxy.state.websocket = 'forward';
      expect(await restored).toEqual({ mode, previous: 'poll', reason: 'restored' });
      const { polls200, polls304 } = client.stats();
      const streamed = nextEvent(client, 'change', (event) => event.key === 'beta.after-restore');
      await client.admin.set({ key: 'beta.after-restore', isEnabled: true });
      expect(await streamed).toMatchObject({ source: mode });
      expect(client.stats()).toMatchObject({ mode, connected: true, polls200, polls304 });
      expect(modes.seen).toHaveLength(2);
    },
  );

  it('sse: keeps streaming through failures below fallbackAfterFailures, and resumes with Last-Event-ID so a change made during the outage arrives', async () => {
    const client = open({ mode: 'sse', fallbackAfterFailures: 1000 });
    await client.ready(5000);
    const held = client.stats().lastRevision;
    const modes = record(client, 'mode');
    proxy.state.stream = 'fail';
    const failed = nextEvent(client, 'error');
    proxy.dropConnections();
    await failed;
    expect(client.evaluate('beta.a', false)).toMatchObject({ value: true, reason: 'STALE' });

    const missed = nextEvent(client, 'change', (event) => event.key === 'beta.during-outage');
    await sendJson(app, 'POST', '/feature-flags', { key: 'beta.during-outage', isEnabled: true });
    proxy.state.stream = 'forward';
    expect(await missed).toMatchObject({ kind: 'upsert', source: 'sse' });
    const streams = proxy.seen('/feature-flags/stream');
    expect(streams.at(-1)?.headers['last-event-id']).toBe(String(held));
    expect(modes.seen).toEqual([]);
    expect(client.stats()).toMatchObject({ mode: 'sse', fallbacks: 0, connected: true, reconnects: 1 });
  });

  it('sse: reconnects when the stream goes silent for silenceTimeoutMs (no event, no heartbeat)', async () => {
    proxy.state.stream = 'stall';
    const client = open({ mode: 'sse', silenceTimeoutMs: 100, fallbackAfterFailures: 1000 });
    const silent = await nextEvent(client, 'error');
    expect(silent.code).toBe('STREAM_SILENT');
    expect(client.stats().ready).toBe(false);
    proxy.state.stream = 'forward';
    await client.ready(5000);
    expect(client.isEnabled('beta.a', false)).toBe(true);
  });

  it('sends the token as a Bearer authorization on polls, streams and admin calls', async () => {
    const token = 's3cret';
    const sse = open({ mode: 'sse', token });
    const poll = open({ mode: 'poll', token });
    await Promise.all([sse.ready(5000), poll.ready(5000)]);
    await sse.admin.set({ key: 'beta.token', isEnabled: true });
    const paths = ['/feature-flags/stream', '/feature-flags', '/graphql'];
    for (const path of paths) {
      const seen = proxy.seen(path);
      expect(seen.length).toBeGreaterThan(0);
      for (const request of seen) expect(request.headers.authorization).toBe(`Bearer ${token}`);
    }
  });
});
