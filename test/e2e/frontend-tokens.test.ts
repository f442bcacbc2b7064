import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { sendJson, startTestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { SseClient } from '../support/sse.js';

/*
 * Frontend tokens (FRONTEND_TOKENS): code in browsers evaluates with them (OFREP single, bulk, its event
 * stream) and does nothing else; CORS per route family; a rate per token. Real app, real Redis.
 */

const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'client-token-0123456789abcdef';
const FRONTEND = 'frontend-token-0123456789abcdef';
const OTHER_FRONTEND = 'frontend-other-0123456789abcdef';
const APP_ORIGIN = 'https://app.example';
const CONSOLE_ORIGIN = 'https://console.example';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const CONTEXT = { context: { targetingKey: 'user-1' } };

let redis: TestRedis;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  redis = await startRedis();
  app = await startTestApp({
    ADMIN_TOKENS: ADMIN,
    CLIENT_TOKENS: READER,
    FRONTEND_TOKENS: `${FRONTEND}, ${OTHER_FRONTEND}`,
    CORS_ORIGINS: CONSOLE_ORIGIN,
    FRONTEND_CORS_ORIGINS: APP_ORIGIN,
    FRONTEND_RATE_PER_MINUTE: '6',
    FRONTEND_RATE_BURST: '1000000',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix(),
  });
  for (const [path, body] of [
    ['/feature-flags', { key: 'beta.search', isEnabled: true }],
    ['/segments', { key: 'staff', included: ['user-1'] }],
  ] as const) {
    const res = await sendJson(app, 'POST', path, body, bearer(ADMIN));
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  await app?.stop();
  await app?.removeDataDir();
  await redis?.stop();
});

/**
 * Every route that takes a token, as (method, path, body). A frontend token must get 403 on each:
 * these hold definitions, targeting lists (user ids, emails), segments, or change them.
 */
const TOKEN_ROUTES: readonly [string, string, unknown?][] = [
  ['GET', '/feature-flags'],
  ['GET', '/feature-flags?environment=production'],
  ['GET', '/feature-flags/beta.search'],
  ['GET', '/feature-flags/stream'],
  ['POST', '/feature-flags', { key: 'x', isEnabled: true }],
  ['PUT', '/feature-flags/x', { isEnabled: true }],
  ['PATCH', '/feature-flags/beta.search', { isEnabled: false }],
  ['DELETE', '/feature-flags/beta.search'],
  ['GET', '/segments'],
  ['GET', '/segments/staff'],
  ['POST', '/segments', { key: 'y' }],
  ['PUT', '/segments/staff', { key: 'staff' }],
  ['DELETE', '/segments/staff'],
  ['GET', '/environments'],
  ['POST', '/environments', { key: 'qa' }],
  ['GET', '/graphql?query=%7Bflags%7Bkey%7D%7D'],
  ['POST', '/graphql', { query: '{ flags { key definition } }' }],
  ['POST', '/graphql', { query: '{ segments { key } }' }],
  ['POST', '/graphql', { query: '{ evaluate(key: "beta.search", context: {}) { value } }' }],
  ['POST', '/graphql', { query: 'mutation { toggleFlag(key: "beta.search") { isEnabled } }' }],
];

describe('a frontend token (FRONTEND_TOKENS)', () => {
  it('is refused (403 FORBIDDEN) on every route that is not evaluation: definitions, lists, segments, environments, streams, GraphQL', async () => {
    for (const [method, path, body] of TOKEN_ROUTES) {
      for (const headers of [bearer(FRONTEND), { ...bearer(FRONTEND), origin: APP_ORIGIN }]) {
        const res = await fetch(new URL(path, app.url), {
          method,
          headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
        const error = (await res.json()) as { error?: { code: string }; errors?: unknown };
        expect(error.error?.code).toBe('FORBIDDEN');
      }
    }
    // The same routes answer a client token (reads) or refuse it as a reader: the 403 is the token kind's.
    expect((await fetch(new URL('/feature-flags', app.url), { headers: bearer(READER) })).status).toBe(200);
    // Nothing was changed by the refused writes.
    const flag = await fetch(new URL('/feature-flags/beta.search', app.url), { headers: bearer(ADMIN) });
    expect(((await flag.json()) as { isEnabled: boolean }).isEnabled).toBe(true);
  });

  it('is refused over graphql-ws too (closed 4403)', async () => {
    const code = await new Promise<number>((resolve) => {
      const ws = createClient({
        url: `${app.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
        connectionParams: bearer(FRONTEND),
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
    expect(code).toBe(4403);
  });

  it('evaluates over OFREP: one flag, every flag, and the event stream', async () => {
    const single = await sendJson(
      app,
      'POST',
      '/ofrep/v1/evaluate/flags/beta.search',
      CONTEXT,
      bearer(FRONTEND),
    );
    expect(await single.json()).toMatchObject({ key: 'beta.search', value: true, reason: 'STATIC' });
    const bulk = await sendJson(app, 'POST', '/ofrep/v1/evaluate/flags', CONTEXT, { 'x-api-key': FRONTEND });
    const body = (await bulk.json()) as {
      flags: { key: string }[];
      eventStreams: { endpoint: { requestUri: string } }[];
    };
    expect(body.flags.map((flag) => flag.key)).toEqual(['beta.search']);
    const stream = await SseClient.open(new URL(body.eventStreams[0]?.endpoint.requestUri ?? '', app.url));
    expect(await stream.next()).toMatchObject({ retry: '3000' });
    stream.close();
  });

  it('is a token of one kind only: the configuration refuses a frontend token that is also a client or admin token', async () => {
    await expect(
      startTestApp({ ADMIN_TOKENS: ADMIN, CLIENT_TOKENS: READER, FRONTEND_TOKENS: READER }),
    ).rejects.toThrow(/FRONTEND_TOKENS=<redacted>: entry 1 repeats the token of CLIENT_TOKENS entry 1/);
  });
});

describe('CORS per route family', () => {
  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(new URL(path, app.url), {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type,if-none-match',
      },
    });

  it('lets browsers on FRONTEND_CORS_ORIGINS call OFREP with Authorization and If-None-Match, and read the ETag', async () => {
    for (const path of ['/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/beta.search']) {
      const res = await preflight(path, APP_ORIGIN);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      for (const header of ['Authorization', 'Content-Type', 'If-None-Match'])
        expect(res.headers.get('access-control-allow-headers')).toContain(header);
    }
    const bulk = await sendJson(app, 'POST', '/ofrep/v1/evaluate/flags', CONTEXT, {
      ...bearer(FRONTEND),
      origin: APP_ORIGIN,
    });
    expect(bulk.status).toBe(200);
    expect(bulk.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(bulk.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(bulk.headers.get('access-control-expose-headers')).toContain('Retry-After');
    const events = await SseClient.open(new URL('/ofrep/events', app.url), {
      ...bearer(FRONTEND),
      origin: APP_ORIGIN,
    });
    expect(events.response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    events.close();
  });

  it('keeps every other route to CORS_ORIGINS: the frontend origin may not call definitions, the console origin may call both', async () => {
    const definitions = await preflight('/feature-flags', APP_ORIGIN, 'GET');
    expect(definitions.headers.get('access-control-allow-origin')).toBeNull();
    const graphql = await preflight('/graphql', APP_ORIGIN);
    expect(graphql.headers.get('access-control-allow-origin')).toBeNull();
    for (const path of ['/feature-flags', '/ofrep/v1/evaluate/flags']) {
      const res = await preflight(path, CONSOLE_ORIGIN);
      expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE_ORIGIN);
    }
    const other = await preflight('/ofrep/v1/evaluate/flags', 'https://elsewhere.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the evaluation rate of a frontend token (FRONTEND_RATE_PER_MINUTE, FRONTEND_RATE_BURST)', () => {
  it('answers 429 with Retry-After once a token has used its burst, per token, on every OFREP route; other kinds of token are not limited', async () => {
    const limited = await startTestApp({
      CLIENT_TOKENS: READER,
      FRONTEND_TOKENS: `${FRONTEND}, ${OTHER_FRONTEND}`,
      FRONTEND_RATE_PER_MINUTE: '6',
      FRONTEND_RATE_BURST: '3',
    });
    try {
      const bulk = (token: string) =>
        sendJson(limited, 'POST', '/ofrep/v1/evaluate/flags', CONTEXT, bearer(token));
      const single = (token: string) =>
        sendJson(limited, 'POST', '/ofrep/v1/evaluate/flags/any', CONTEXT, bearer(token));
      expect((await bulk(FRONTEND)).status).toBe(200);
      expect((await single(FRONTEND)).status).toBe(404);
      const stream = await SseClient.open(new URL('/ofrep/events', limited.url), bearer(FRONTEND));
      stream.close();
      for (const refused of [await bulk(FRONTEND), await single(FRONTEND)]) {
        expect(refused.status).toBe(429);
        // 6 a minute: one more in 10 s.
        expect(refused.headers.get('retry-after')).toBe('10');
        const body = (await refused.json()) as { errorCode: string; errorDetails: string };
        expect(body).toMatchObject({ errorCode: 'GENERAL' });
        expect(body.errorDetails).toMatch(/^Too many evaluations with this token; retry in 10 s$/);
      }
      const events = await fetch(new URL('/ofrep/events', limited.url), { headers: bearer(FRONTEND) });
      expect(events.status).toBe(429);
      expect(events.headers.get('retry-after')).toBe('10');
      expect((await bulk(OTHER_FRONTEND)).status).toBe(200);
      for (let i = 0; i < 10; i++) expect((await bulk(READER)).status).toBe(200);
    } finally {
      await limited.stop();
      await limited.removeDataDir();
    }
  });
});
