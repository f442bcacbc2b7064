import { describe, expect, it } from '@jest/globals';
import WebSocket from 'ws';
import { client, sendJson, startTestApp } from '../support/app.js';
import { openSse } from '../support/listeners.js';

const ADMIN_A = 'admin-token-aaaaaaaaaaaaaaaa';
const ADMIN_B = 'admin-token-bbbbbbbbbbbbbbbb';

describe('limits', () => {
  it('refuses an SSE stream beyond MAX_SSE_CONNECTIONS with 503 TOO_MANY_CONNECTIONS, and accepts again once one closes', async () => {
    const app = await startTestApp({ MAX_SSE_CONNECTIONS: '2' });
    try {
      const first = openSse(`${app.url}/feature-flags/stream`);
      const second = openSse(`${app.url}/feature-flags/stream`);
      await Promise.all([first.next(), second.next()]);
      const refused = await client(app)('/feature-flags/stream');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toMatchObject({ error: { code: 'TOO_MANY_CONNECTIONS' } });
      first.close();
      // The server notices the close asynchronously: retry until the slot is free (bounded).
      let third: Response | undefined;
      for (let i = 0; i < 100 && third?.status !== 200; i++) {
        await third?.body?.cancel();
        third = await client(app)('/feature-flags/stream');
      }
      expect(third?.status).toBe(200);
      await third?.body?.cancel();
      second.close();
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });

  it('counts OFREP event streams and flag streams against one MAX_SSE_CONNECTIONS', async () => {
    const app = await startTestApp({ MAX_SSE_CONNECTIONS: '2' });
    try {
      const flags = openSse(`${app.url}/feature-flags/stream`);
      await flags.next();
      const events = await client(app)('/ofrep/events');
      expect(events.status).toBe(200);
      for (const path of ['/ofrep/events', '/feature-flags/stream']) {
        const refused = await client(app)(path);
        expect({ path, status: refused.status }).toEqual({ path, status: 503 });
        expect(await refused.json()).toMatchObject({ error: { code: 'TOO_MANY_CONNECTIONS' } });
      }
      await events.body?.cancel();
      flags.close();
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });

  it('limits writes per token with 429 RATE_LIMITED and Retry-After; reads and other tokens are unaffected', async () => {
    const app = await startTestApp({
      ADMIN_TOKENS: `${ADMIN_A},${ADMIN_B}`,
      WRITE_RATE_BURST: '3',
      WRITE_RATE_PER_MINUTE: '6',
    });
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    try {
      for (let i = 0; i < 3; i++) {
        expect(
          (await sendJson(app, 'POST', '/feature-flags', { key: `rate.${i}` }, as(ADMIN_A))).status,
        ).toBe(201);
      }
      const limited = await sendJson(app, 'POST', '/feature-flags', { key: 'rate.over' }, as(ADMIN_A));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      expect((await client(app)('/feature-flags/rate.over', { headers: as(ADMIN_A) })).status).toBe(404);
      expect((await client(app)('/feature-flags', { headers: as(ADMIN_A) })).status).toBe(200);
      expect((await sendJson(app, 'POST', '/feature-flags', { key: 'rate.b' }, as(ADMIN_B))).status).toBe(
        201,
      );
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });
});

describe('CORS', () => {
  it('answers allowed origins (preflight and the poll itself) and leaves others without CORS headers', async () => {
    const app = await startTestApp({ CORS_ORIGINS: 'https://app.example' });
    const get = client(app);
    try {
      const preflight = await get('/feature-flags?prefix=beta', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization,if-none-match',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/If-None-Match/);

      const poll = await get('/feature-flags?prefix=beta', { headers: { origin: 'https://app.example' } });
      expect(poll.status).toBe(200);
      expect(poll.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(poll.headers.get('access-control-expose-headers')).toMatch(/ETag/);

      const other = await get('/feature-flags', { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });
});

describe('GraphQL and WebSocket limits', () => {
  it('answers a WebSocket upgrade beyond MAX_WS_CONNECTIONS with 503, and accepts again once one closes', async () => {
    const app = await startTestApp({ MAX_WS_CONNECTIONS: '1' });
    const url = `${app.url.replace(/^http/, 'ws')}/graphql`;
    const open = () =>
      new Promise<WebSocket | number>((resolve) => {
        const ws = new WebSocket(url, 'graphql-transport-ws');
        ws.once('open', () => resolve(ws));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      });
    try {
      const first = await open();
      expect(first).toBeInstanceOf(WebSocket);
      expect(await open()).toBe(503);
      const closed = new Promise((resolve) => (first as WebSocket).once('close', resolve));
      (first as WebSocket).close();
      await closed;
      let again: WebSocket | number = 503;
      for (let i = 0; i < 100 && again === 503; i++) again = await open();
      expect(again).toBeInstanceOf(WebSocket);
      (again as WebSocket).close();
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });

  it('counts GraphQL mutations against the same per-token write rate as REST', async () => {
    const app = await startTestApp({ WRITE_RATE_BURST: '2', WRITE_RATE_PER_MINUTE: '6' });
    const mutate = (key: string) =>
      sendJson(app, 'POST', '/graphql', {
        query: `mutation { createFlag(input: { key: "${key}" }) { key } }`,
      });
    try {
      expect(await (await mutate('gql.1')).json()).toEqual({ data: { createFlag: { key: 'gql.1' } } });
      expect((await sendJson(app, 'POST', '/feature-flags', { key: 'rest.1' })).status).toBe(201);
      const limited = await (await mutate('gql.2')).json();
      expect(limited).toMatchObject({ data: null, errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
      expect((await client(app)('/feature-flags/gql.2')).status).toBe(404);
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });
});
