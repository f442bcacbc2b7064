import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket, WebSocketServer } from 'ws';
import {
  createFlagClient,
  type EvaluationReason,
  type FlagClient,
  type FlagMode,
  FlagwireError,
} from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { nextEvent } from './support/events.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** A port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const GARBAGE: unknown[] = [
  '',
  ' ',
  'no such flag',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'x'.repeat(100_000),
  '\u0000',
  '\ud800',
  undefined,
  null,
  42,
  {},
  [],
  Symbol('key'),
  () => 'key',
];

/** Asks for every garbage key through every reading method; none may throw. */
function askGarbage(client: FlagClient): EvaluationReason[] {
  const reasons: EvaluationReason[] = [];
  for (const key of GARBAGE) {
    const asKey = key as string;
    expect(() => client.isEnabled(asKey, true)).not.toThrow();
    expect(client.isEnabled(asKey, true)).toBe(true);
    expect(client.isEnabled(asKey, false)).toBe(false);
    const evaluation = client.evaluate(asKey, true);
    expect(evaluation.value).toBe(true);
    expect(evaluation.flag).toBeUndefined();
    reasons.push(evaluation.reason);
    expect(client.getFlag(asKey)).toBeUndefined();
  }
  return reasons;
}

describe.each(['poll', 'sse', 'subscription'] as FlagMode[])(
  'client in %s mode with the server down from the start',
  (mode) => {
    it('answers bootstrap values (BOOTSTRAP) and defaults (NOT_READY), reports errors, and converges once the server is up', async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const client = createFlagClient({
        url,
        mode,
        bootstrap: { 'beta.boot': true, 'beta.shadowed': true },
        pollIntervalMs: 20,
        backoff: { initialDelayMs: 5, maxDelayMs: 40 },
        webSocketImpl: WebSocket,
      });
      let app: TestApp | undefined;
      try {
        const error = await nextEvent(client, 'error');
        expect(error).toBeInstanceOf(FlagwireError);
        expect(['NETWORK_ERROR', 'CONNECTION_CLOSED']).toContain(error.code);
        expect(client.evaluate('beta.boot', false)).toEqual({ value: true, reason: 'BOOTSTRAP' });
        expect(client.evaluate('beta.unknown', true)).toEqual({ value: true, reason: 'NOT_READY' });
        expect(client.isEnabled('beta.unknown', false)).toBe(false);
        expect(client.getAll()).toEqual([]);
        expect(client.stats()).toMatchObject({ ready: false, connected: false });
        await expect(client.ready(30)).rejects.toMatchObject({ name: 'FlagwireError', code: 'TIMEOUT' });

        // The client kept trying: once the server is up, its state replaces the bootstrap values.
        const ready = nextEvent(client, 'ready');
        app = await startTestApp({ PORT: String(port) });
        await sendJson(app, 'POST', '/feature-flags', { key: 'beta.shadowed', isEnabled: false });
        await ready;
        await client.ready(5000);
        if (client.getFlag('beta.shadowed') === undefined) {
          await nextEvent(client, 'change', (event) => event.key === 'beta.shadowed');
        }
        expect(client.evaluate('beta.shadowed', true)).toMatchObject({ value: false, reason: 'FLAG' });
        expect(client.evaluate('beta.boot', false)).toEqual({ value: false, reason: 'UNKNOWN_FLAG' });
      } finally {
        await client.close();
        await app?.stop();
        await app?.removeDataDir();
      }
    });
  },
);

describe('client evaluation never throws', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await sendJson(app, 'POST', '/feature-flags', { key: 'beta.on', isEnabled: true });
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('answers the default for garbage keys before the first state, with INVALID_KEY or NOT_READY', async () => {
    const client = createFlagClient({ url: `http://127.0.0.1:${await freePort()}`, mode: 'poll' });
    try {
      const reasons = askGarbage(client);
      expect(new Set(reasons)).toEqual(new Set(['INVALID_KEY', 'NOT_READY']));
    } finally {
      await client.close();
    }
  });

  it('answers the default for garbage keys once ready, with INVALID_KEY or UNKNOWN_FLAG', async () => {
    const client = createFlagClient({ url: app.url, mode: 'sse' });
    try {
      await client.ready(5000);
      const reasons = askGarbage(client);
      expect(new Set(reasons)).toEqual(new Set(['INVALID_KEY', 'UNKNOWN_FLAG']));
      expect(client.evaluate('beta.on', false)).toMatchObject({ value: true, reason: 'FLAG' });
    } finally {
      await client.close();
    }
  });

  it('keeps serving and emitting when a listener throws', async () => {
    const logged: string[] = [];
    const client = createFlagClient({
      url: app.url,
      mode: 'sse',
      logger: { error: (message) => logged.push(message) },
    });
    try {
      client.on('change', () => {
        throw new Error('a broken listener');
      });
      await client.ready(5000);
      const changed = nextEvent(client, 'change', (event) => event.key === 'beta.after-throw');
      await sendJson(app, 'POST', '/feature-flags', { key: 'beta.after-throw', isEnabled: true });
      await changed;
      expect(client.isEnabled('beta.after-throw', false)).toBe(true);
      expect(logged.some((line) => line.includes("'change' listener threw"))).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('after close(), still answers the last-known values as STALE, and ready() rejects with CLOSED', async () => {
    const client = createFlagClient({ url: app.url, mode: 'sse' });
    await client.ready(5000);
    await client.close();
    expect(client.evaluate('beta.on', false)).toMatchObject({ value: true, reason: 'STALE' });
    await client.ready(); // already had a state: resolves

    const never = createFlagClient({ url: `http://127.0.0.1:${await freePort()}`, mode: 'poll' });
    const waiting = never.ready();
    await never.close();
    await expect(waiting).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(never.ready()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it.each(['poll', 'sse', 'subscription'] as FlagMode[])(
    '%s: close() right after creation, while still connecting, stops cleanly',
    async (mode) => {
      const client = createFlagClient({ url: app.url, mode, webSocketImpl: WebSocket });
      await client.close();
      expect(client.evaluate('beta.on', false)).toEqual({ value: false, reason: 'NOT_READY' });
      // A later client on the same server is unaffected.
      const next = createFlagClient({ url: app.url, mode, webSocketImpl: WebSocket });
      await next.ready(5000);
      await next.close();
    },
  );

  it('refuses unusable options at construction with INVALID_OPTIONS, naming the option', () => {
    expect(() => createFlagClient({ url: 'not a url' })).toThrow(/url/);
    expect(() => createFlagClient({ url: 'ftp://host' })).toThrow(FlagwireError);
    expect(() => createFlagClient({ url: 'http://h', mode: 'carrier-pigeon' as FlagMode })).toThrow(/mode/);
    expect(() => createFlagClient({ url: 'http://h', pollIntervalMs: -1 })).toThrow(/pollIntervalMs/);
    expect(() => createFlagClient({ url: 'http://h', fallbackAfterFailures: 0 })).toThrow(
      /fallbackAfterFailures/,
    );
  });
});

describe('client admin calls', () => {
  let app: TestApp;
  let client: FlagClient;

  beforeAll(async () => {
    app = await startTestApp();
    client = createFlagClient({ url: app.url, mode: 'poll' });
  });
  afterAll(async () => {
    await client.close();
    await app.stop();
    await app.removeDataDir();
  });

  it('create/set/update/toggle/delete return the typed results', async () => {
    const created = await client.admin.create({ key: 'adm.a', description: 'first' });
    expect(created).toMatchObject({ key: 'adm.a', isEnabled: false, description: 'first', version: 1 });
    expect(await client.admin.set({ key: 'adm.a', isEnabled: true })).toMatchObject({
      created: false,
      flag: { isEnabled: true, description: 'first', version: 2 },
    });
    expect(await client.admin.set({ key: 'adm.b' })).toMatchObject({ created: true, flag: { version: 1 } });
    expect(await client.admin.update('adm.a', { description: 'second' }, 2)).toMatchObject({
      description: 'second',
      version: 3,
    });
    expect(await client.admin.toggle('adm.a')).toMatchObject({ isEnabled: false, version: 4 });
    const deleted = await client.admin.delete('adm.a', 4);
    expect(deleted).toEqual({ key: 'adm.a', version: 4, revision: expect.any(Number) });
  });

  it.each([
    ['FLAG_ALREADY_EXISTS', () => client.admin.create({ key: 'adm.b' })],
    ['FLAG_NOT_FOUND', () => client.admin.toggle('adm.missing')],
    ['VERSION_MISMATCH', () => client.admin.update('adm.b', { isEnabled: true }, 99)],
    ['VALIDATION_FAILED', () => client.admin.set({ key: ' bad key' })],
  ])('throws a FlagwireError with code %s', async (code, call) => {
    const failure = await call().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(FlagwireError);
    expect(failure).toMatchObject({ code, message: expect.any(String) });
  });

  it('throws NETWORK_ERROR when the server cannot be reached', async () => {
    const offline = createFlagClient({ url: `http://127.0.0.1:${await freePort()}`, mode: 'poll' });
    try {
      await expect(offline.admin.toggle('adm.b')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    } finally {
      await offline.close();
    }
  });
});

describe('client in subscription mode', () => {
  it('sends the token as connectionParams.authorization in connection_init', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const init = new Promise<unknown>((resolve) => {
      server.once('connection', (socket) =>
        socket.once('message', (data) => resolve(JSON.parse(String(data)))),
      );
    });
    const client = createFlagClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      mode: 'subscription',
      token: 's3cret',
      webSocketImpl: WebSocket,
    });
    try {
      expect(await init).toEqual({ type: 'connection_init', payload: { authorization: 'Bearer s3cret' } });
    } finally {
      await client.close();
      for (const socket of server.clients) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
