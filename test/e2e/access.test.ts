import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import { pino } from 'pino';
import WebSocket from 'ws';
import { client, sendJson, startTestApp } from '../support/app.js';

const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'client-token-0123456789abcdef';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('access control with ADMIN_TOKENS and CLIENT_TOKENS', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let logged = '';
  let get: ReturnType<typeof client>;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    app = await startTestApp(
      { ADMIN_TOKENS: ADMIN, CLIENT_TOKENS: READER, LOG_LEVEL: 'debug' },
      { logger: pino({ level: 'debug' }, sink) },
    );
    get = client(app);
    const created = await sendJson(
      app,
      'POST',
      '/feature-flags',
      { key: 'beta.a', isEnabled: true },
      bearer(ADMIN),
    );
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  const graphql = (query: string, headers: Record<string, string> = {}) =>
    get('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });

  it.each([
    ['no Authorization header', {}],
    ['an unknown token', bearer('not-a-real-token-at-all')],
    ['a malformed header', { authorization: ADMIN }],
  ])(
    'answers 401 UNAUTHENTICATED with WWW-Authenticate for %s, on REST, SSE and GraphQL',
    async (_what, headers) => {
      for (const path of [
        '/feature-flags',
        '/feature-flags?prefix=beta',
        '/feature-flags/beta.a',
        '/feature-flags/stream',
      ]) {
        const res = await get(path, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
      }
      const res = await graphql('{ flags { key } }', headers);
      expect(res.status).toBe(401);
    },
  );

  it('lets a client token read, poll (with 304) and stream', async () => {
    const list = await get('/feature-flags?prefix=beta', { headers: bearer(READER) });
    expect(list.status).toBe(200);
    const etag = list.headers.get('etag') as string;
    const again = await get('/feature-flags?prefix=beta', {
      headers: { ...bearer(READER), 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    expect((await get('/feature-flags/beta.a', { headers: bearer(READER) })).status).toBe(200);
    const stream = await get('/feature-flags/stream', { headers: bearer(READER) });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await stream.body?.cancel();
    const query = await graphql('{ flags(prefix: "beta") { key } }', bearer(READER));
    expect(await query.json()).toEqual({ data: { flags: [{ key: 'beta.a' }] } });
  });

  it('refuses writes with a client token: 403 FORBIDDEN on REST, FORBIDDEN in GraphQL, nothing changed', async () => {
    const before = await (await get('/feature-flags', { headers: bearer(ADMIN) })).text();
    const attempts = [
      sendJson(app, 'POST', '/feature-flags', { key: 'beta.b', isEnabled: true }, bearer(READER)),
      sendJson(app, 'PATCH', '/feature-flags/beta.a', { isEnabled: false }, bearer(READER)),
      get('/feature-flags/beta.a', { method: 'DELETE', headers: bearer(READER) }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    }
    const rollout = '{ weights: [{ variant: "on", weight: 1 }] }';
    for (const mutation of [
      'toggleFlag(key: "beta.a") { isEnabled }',
      'replaceFlag(key: "beta.a", definition: { type: "boolean", variants: { on: true } }) { created }',
      'setRules(key: "beta.a", environment: "production", rules: []) { version }',
      `setRollout(key: "beta.a", environment: "production", rollout: ${rollout}) { version }`,
    ]) {
      const res = await graphql(`mutation { ${mutation} }`, bearer(READER));
      expect(await res.json()).toMatchObject({ data: null, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    }
    expect(await (await get('/feature-flags', { headers: bearer(ADMIN) })).text()).toBe(before);
  });

  it('lets an admin token write over REST and GraphQL', async () => {
    const mutation = await graphql('mutation { toggleFlag(key: "beta.a") { isEnabled } }', bearer(ADMIN));
    expect(await mutation.json()).toEqual({ data: { toggleFlag: { isEnabled: false } } });
  });

  it('authenticates graphql-ws by connectionParams: none -> closed 4403, a client token -> subscribed', async () => {
    const url = `${app.url.replace(/^http/, 'ws')}/graphql`;
    const closedWith = (connectionParams: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = createClient({
          url,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: false,
          // The close is what these tests observe (on 'closed'); graphql-ws would also print it.
          onNonLazyError: () => {},
          connectionParams,
        });
        ws.on('closed', (event) => {
          resolve((event as { code: number }).code);
          void ws.dispose();
        });
        ws.on('connected', () => {
          resolve(0);
          void ws.dispose();
        });
      });
    expect(await closedWith({})).toBe(4403);
    expect(await closedWith({ authorization: 'Bearer wrong-token-0123456789' })).toBe(4403);
    expect(await closedWith(bearer(READER))).toBe(0);
  });

  it('keeps health endpoints open for probes', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
  });

  it('never writes a token to the log, valid or not', () => {
    expect(logged.length).toBeGreaterThan(0);
    expect(logged).not.toContain(ADMIN);
    expect(logged).not.toContain(READER);
    expect(logged).not.toContain('not-a-real-token-at-all');
  });
});

describe('production mode', () => {
  it('turns GraphQL introspection off over graphql-ws too', async () => {
    const app = await startTestApp({ NODE_ENV: 'production', ADMIN_TOKENS: ADMIN });
    const ws = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: bearer(ADMIN),
    });
    try {
      const result = await new Promise<unknown>((resolve) => {
        ws.subscribe(
          { query: '{ __schema { queryType { name } } }' },
          { next: resolve, error: resolve, complete: () => {} },
        );
      });
      expect(JSON.stringify(result)).toMatch(/introspection/i);
      expect(JSON.stringify(result)).not.toMatch(/"queryType":\{"name"/);
    } finally {
      await ws.dispose();
      await app.stop();
      await app.removeDataDir();
    }
  });

  it('turns GraphQL introspection off', async () => {
    const app = await startTestApp({ NODE_ENV: 'production', ADMIN_TOKENS: ADMIN });
    try {
      const res = await client(app)('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(ADMIN) },
        body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
      });
      expect(JSON.stringify(await res.json())).toMatch(/introspection/i);
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });
});
