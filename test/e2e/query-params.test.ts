import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { client, sendJson, startTestApp } from '../support/app.js';
import { SseClient } from '../support/sse.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** One endpoint as a client calls it correctly; `query` is what it may add (its own parameters). */
interface Endpoint {
  name: string;
  method: string;
  path: string;
  /** Valid query parameters for this endpoint, appended before the parameter under test. */
  query?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** The status the request gets without the bad parameter. */
  ok: number;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const FLAGS_QUERY = '{ flags { key } }';

/** Every endpoint there is, each as a request that succeeds as it stands. */
const ENDPOINTS: readonly Endpoint[] = [
  { name: 'GET /feature-flags', method: 'GET', path: '/feature-flags', ok: 200 },
  { name: 'GET /feature-flags?prefix=', method: 'GET', path: '/feature-flags', query: 'prefix=qp', ok: 200 },
  { name: 'HEAD /feature-flags', method: 'HEAD', path: '/feature-flags', ok: 200 },
  { name: 'GET /feature-flags/:key', method: 'GET', path: '/feature-flags/qp.alpha', ok: 200 },
  {
    name: 'POST /feature-flags',
    method: 'POST',
    path: '/feature-flags',
    headers: JSON_TYPE,
    body: { key: 'qp.alpha', description: 'posted' },
    ok: 200,
  },
  {
    name: 'PATCH /feature-flags/:key',
    method: 'PATCH',
    path: '/feature-flags/qp.alpha',
    headers: JSON_TYPE,
    body: { description: 'patched' },
    ok: 200,
  },
  { name: 'DELETE /feature-flags/:key', method: 'DELETE', path: '/feature-flags/qp.doomed', ok: 204 },
  { name: 'GET /feature-flags/stream', method: 'GET', path: '/feature-flags/stream', ok: 200 },
  {
    name: 'GET /feature-flags/stream?prefix=&lastEventId=',
    method: 'GET',
    path: '/feature-flags/stream',
    query: 'prefix=qp&lastEventId=1',
    ok: 200,
  },
  { name: 'GET /healthz', method: 'GET', path: '/healthz', ok: 200 },
  { name: 'GET /readyz', method: 'GET', path: '/readyz', ok: 200 },
  { name: 'GET /metrics', method: 'GET', path: '/metrics', ok: 200 },
  {
    name: 'POST /graphql',
    method: 'POST',
    path: '/graphql',
    headers: JSON_TYPE,
    body: { query: FLAGS_QUERY },
    ok: 200,
  },
  {
    name: 'GET /graphql?query=&variables=&operationName=&extensions=',
    method: 'GET',
    path: '/graphql',
    query: `query=${encodeURIComponent('query L($p: String) { flags(prefix: $p) { key } }')}&variables=${encodeURIComponent('{"p":"qp"}')}&operationName=L&extensions=${encodeURIComponent('{}')}`,
    headers: { 'apollo-require-preflight': 'true' },
    ok: 200,
  },
];

function urlOf(endpoint: Endpoint, extra?: string): string {
  const query = [endpoint.query, extra].filter((part) => part !== undefined).join('&');
  return query === '' ? endpoint.path : `${endpoint.path}?${query}`;
}

describe('strict query parameters', () => {
  let app: App;
  let get: ReturnType<typeof client>;

  beforeAll(async () => {
    // Many writes in a few seconds: the write rate limit is not what this file tests.
    app = await startTestApp({ WRITE_RATE_PER_MINUTE: '1000000', WRITE_RATE_BURST: '100000' });
    get = client(app);
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  /** Sends the endpoint's request; a stream that opens is read up to its first event and closed. */
  async function call(endpoint: Endpoint, extra?: string): Promise<{ status: number; body: unknown }> {
    const url = new URL(urlOf(endpoint, extra), app.url);
    if (endpoint.path === '/feature-flags/stream') {
      try {
        const stream = await SseClient.open(url);
        await stream.nextEvent();
        stream.close();
        return { status: 200, body: undefined };
      } catch {
        const res = await fetch(url);
        return { status: res.status, body: await res.json() };
      }
    }
    const res = await fetch(url, {
      method: endpoint.method,
      headers: endpoint.headers ?? {},
      ...(endpoint.body !== undefined && { body: JSON.stringify(endpoint.body) }),
    });
    const text = await res.text();
    const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: res.status, body: json && text !== '' ? JSON.parse(text) : text };
  }

  /** Every flag as stored, with its version: what a refused request must leave as it was. */
  async function flags(): Promise<unknown> {
    return (await get('/feature-flags')).json();
  }

  async function seed(): Promise<void> {
    for (const key of ['qp.alpha', 'qp.beta', 'qp.doomed', 'other']) {
      const res = await sendJson(app, 'POST', '/feature-flags', { key, isEnabled: true });
      expect([200, 201]).toContain(res.status);
    }
  }

  /** The 400 a bad parameter gets: VALIDATION_FAILED in the usual error shape, naming `name`. */
  function expectRefused(result: { status: number; body: unknown }, name: string, what: string): void {
    expect({ what, status: result.status }).toEqual({ what, status: 400 });
    if (what.startsWith('HEAD')) return; // no body to read
    expect(result.body).toEqual({
      error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: { field: name } },
    });
    expect((result.body as { error: { message: string } }).error.message).toContain(`'${name}'`);
  }

  it('every endpoint accepts the query parameters it documents (the control for the refusals below)', async () => {
    for (const endpoint of ENDPOINTS) {
      await seed();
      const result = await call(endpoint);
      expect({ endpoint: endpoint.name, status: result.status }).toEqual({
        endpoint: endpoint.name,
        status: endpoint.ok,
      });
    }
  });

  it('refuses an unknown query parameter (a typo) on every endpoint with 400 VALIDATION_FAILED naming it, and changes nothing', async () => {
    await seed();
    for (const endpoint of ENDPOINTS) {
      const before = await flags();
      expectRefused(await call(endpoint, 'prefx=qp'), 'prefx', endpoint.name);
      expect(await flags()).toEqual(before);
    }
  });

  it('refuses a bracketed parameter such as prefix[$ne]=x on every endpoint instead of answering every flag', async () => {
    await seed();
    for (const endpoint of ENDPOINTS) {
      expectRefused(await call(endpoint, 'prefix[$ne]=x'), 'prefix[$ne]', endpoint.name);
      expectRefused(await call(endpoint, 'prefix%5B%24ne%5D=x'), 'prefix[$ne]', `${endpoint.name}, encoded`);
    }
  });

  it('refuses a parameter with an empty name, or a name that decodes to control characters', async () => {
    for (const endpoint of ENDPOINTS) {
      expectRefused(await call(endpoint, '=qp'), '', `${endpoint.name}, empty name`);
      expectRefused(await call(endpoint, 'prefix%00=qp'), 'prefix\u0000', `${endpoint.name}, NUL`);
    }
  });

  it('refuses a repeated parameter, even one the endpoint takes', async () => {
    const cases: Array<[string, string, string]> = [
      ['/feature-flags', 'prefix=qp&prefix=other', 'prefix'],
      ['/feature-flags', 'prefix=qp&prefix=qp', 'prefix'],
      ['/feature-flags/stream', 'prefix=qp&prefix=other', 'prefix'],
      ['/feature-flags/stream', 'lastEventId=1&lastEventId=2', 'lastEventId'],
    ];
    for (const [path, query, name] of cases) {
      expectRefused(
        await call({ name: path, method: 'GET', path, ok: 200 }, query),
        name,
        `${path}?${query}`,
      );
    }
    const graphqlGet = ENDPOINTS.find((endpoint) => endpoint.name.startsWith('GET /graphql')) as Endpoint;
    expectRefused(
      await call(graphqlGet, `query=${encodeURIComponent('{ flag(key: "other") { key } }')}`),
      'query',
      'GET /graphql with two queries',
    );
  });

  it('GraphQL POST takes no query parameters: a GET-style query string on a POST is refused, not ignored', async () => {
    const post = ENDPOINTS.find((endpoint) => endpoint.name === 'POST /graphql') as Endpoint;
    expectRefused(
      await call(post, `query=${encodeURIComponent('{ flag(key: "other") { key } }')}`),
      'query',
      'POST /graphql?query=',
    );
  });

  it('a warm poll with a typo gets 400, never the 304 or 200 of the unfiltered list (the poll fast path)', async () => {
    await seed();
    const plain = await get('/feature-flags');
    const etag = plain.headers.get('etag') as string;
    expect((await get('/feature-flags', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const typos: Array<[query: string, name: string]> = [
      ['prefx=qp', 'prefx'],
      ['prefix=qp&prefx=qp', 'prefx'],
      ['prefx', 'prefx'],
      ['&prefx=qp', 'prefx'],
      ['Prefix=qp', 'Prefix'],
      ['prefix[]=qp', 'prefix[]'],
    ];
    for (const [query, name] of typos) {
      const res = await get(`/feature-flags?${query}`, { headers: { 'if-none-match': etag } });
      expectRefused({ status: res.status, body: await res.json() }, name, query);
    }
  });

  it('a percent-encoded parameter name is the name it decodes to: ?pre%66ix= filters like ?prefix=', async () => {
    await seed();
    const encoded = await get('/feature-flags?pre%66ix=qp.');
    expect(encoded.status).toBe(200);
    const keys = ((await encoded.json()) as Array<{ key: string }>).map((flag) => flag.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith('qp.'))).toBe(true);
  });
});
