import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { responseMemoOf } from '../../src/graphql/mount.js';
import { DEFAULT_MEMO_LIMITS } from '../../src/graphql/response-memo.js';
import { sendJson, startTestApp } from '../support/app.js';
import { openSse } from '../support/listeners.js';
import { startMongo } from '../support/mongo.js';
import { startRedis } from '../support/redis.js';

// The GraphQL response memo (src/graphql/response-memo.ts), observed from the outside: in production
// mode with tokens, as users run it. Every answer is checked against the state it must reflect.

const ADMIN = 'memo-admin-token-0123456789';
const CLIENT = 'memo-client-token-0123456789';
const OTHER_CLIENT = 'memo-other-client-token-0123456789';

const LIST = 'query List($prefix: String) { flags(prefix: $prefix) { key isEnabled version } }';
const GET_ONE = 'query One($key: String!) { flag(key: $key) { key isEnabled version } }';
const TOGGLE = 'mutation T($key: String!) { toggleFlag(key: $key) { key isEnabled version } }';

interface FlagView {
  key: string;
  isEnabled: boolean;
  version: number;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

async function answerOf(res: Response): Promise<Answer> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : {} };
}

function post(
  app: TestApp,
  body: unknown,
  options: { token?: string | undefined; headers?: Record<string, string>; path?: string } = {},
): Promise<Answer> {
  const token = 'token' in options ? options.token : CLIENT;
  return fetch(new URL(options.path ?? '/graphql', app.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token && { authorization: `Bearer ${token}` }),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(answerOf);
}

function get(
  app: TestApp,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = { 'apollo-require-preflight': 'true' },
  token = CLIENT,
): Promise<Answer> {
  const search = new URLSearchParams({ query, variables: JSON.stringify(variables) });
  return fetch(new URL(`/graphql?${search}`, app.url), {
    headers: { authorization: `Bearer ${token}`, ...headers },
  }).then(answerOf);
}

/** The `flags` of an answer (an answer without them fails the test). */
function flagsOf(answer: Answer): FlagView[] {
  expect(answer.json.errors).toBeUndefined();
  const flags = answer.json.data?.flags;
  expect(Array.isArray(flags)).toBe(true);
  return flags as FlagView[];
}

/** The flags under `prefix` as a POST query answers them (an error fails the test). */
async function listed(app: TestApp, prefix: string, token = CLIENT): Promise<FlagView[]> {
  return flagsOf(await post(app, { query: LIST, variables: { prefix } }, { token }));
}

async function writeFlag(app: TestApp, key: string, isEnabled: boolean): Promise<FlagView> {
  const res = await fetch(new URL('/feature-flags', app.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ key, isEnabled }),
  });
  expect(res.status === 200 || res.status === 201).toBe(true);
  const flag = (await res.json()) as FlagView;
  return { key: flag.key, isEnabled: flag.isEnabled, version: flag.version };
}

/** Sample of one series in Prometheus text; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('GraphQL response memo', () => {
  let app: TestApp;
  const lines: Array<Record<string, unknown>> = [];
  const memo = () => {
    const found = responseMemoOf(app.server);
    if (!found) throw new Error('no response memo');
    return found;
  };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await startTestApp(
      {
        NODE_ENV: 'production',
        ADMIN_TOKENS: ADMIN,
        CLIENT_TOKENS: `${CLIENT},${OTHER_CLIENT}`,
        WRITE_RATE_PER_MINUTE: '1000000',
        WRITE_RATE_BURST: '1000000',
      },
      { logger: pino({ level: 'debug' }, sink) },
    );
  });

  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  describe('answers reflect every change at once', () => {
    beforeEach(async () => {
      await writeFlag(app, 'now.a', false);
      await writeFlag(app, 'now.b', false);
    });

    it('answers a repeated query from the memo', async () => {
      const first = await listed(app, 'now.');
      const hits = memo().stats.hits;
      expect(await listed(app, 'now.')).toEqual(first);
      expect(memo().stats.hits).toBe(hits + 1);
    });

    it('answers POST flags(prefix) with the new state right after each change', async () => {
      for (let i = 0; i < 15; i++) {
        await listed(app, 'now.'); // memoised before the change...
        await listed(app, 'now.');
        const written = await writeFlag(app, 'now.a', i % 2 === 0);
        // ...and the first query after it sees it.
        expect((await listed(app, 'now.')).find((f) => f.key === 'now.a')).toEqual(written);
      }
    });

    it('answers GET flags(prefix) and flag(key) with the new state right after each change', async () => {
      for (let i = 0; i < 10; i++) {
        await get(app, LIST, { prefix: 'now.' });
        await get(app, GET_ONE, { key: 'now.b' });
        await post(app, { query: GET_ONE, variables: { key: 'now.b' } });
        const written = await writeFlag(app, 'now.b', i % 2 === 0);
        const list = await get(app, LIST, { prefix: 'now.' });
        expect(flagsOf(list).find((f) => f.key === 'now.b')).toEqual(written);
        expect((await get(app, GET_ONE, { key: 'now.b' })).json.data?.flag).toEqual(written);
        const one = await post(app, { query: GET_ONE, variables: { key: 'now.b' } });
        expect(one.json.data?.flag).toEqual(written);
      }
    });

    it('answers with the new state after a GraphQL mutation and after a delete', async () => {
      await listed(app, 'now.');
      const toggled = await post(app, { query: TOGGLE, variables: { key: 'now.a' } }, { token: ADMIN });
      expect(toggled.json.errors).toBeUndefined();
      expect((await listed(app, 'now.')).find((f) => f.key === 'now.a')).toEqual(
        toggled.json.data?.toggleFlag,
      );
      const deleted = await fetch(new URL('/feature-flags/now.b', app.url), {
        method: 'DELETE',
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(deleted.status).toBe(204);
      expect((await listed(app, 'now.')).map((f) => f.key)).toEqual(['now.a']);
      expect((await post(app, { query: GET_ONE, variables: { key: 'now.b' } })).json.data?.flag).toBeNull();
    });

    it('never answers with a state older than a change acknowledged before the query was sent, while queries race the changes', async () => {
      const key = 'now.a';
      let stop = false;
      let readerAnswers = 0;
      // Readers keep the memo filled and in flight while every change lands.
      const reader = async (query: () => Promise<Answer>) => {
        while (!stop) {
          const answer = await query();
          expect(answer.status).toBe(200);
          readerAnswers++;
        }
      };
      const readers = [
        reader(() => post(app, { query: LIST, variables: { prefix: 'now.' } })),
        reader(() => post(app, { query: LIST, variables: { prefix: 'now.' } })),
        reader(() => get(app, LIST, { prefix: 'now.' })),
        reader(() => post(app, { query: GET_ONE, variables: { key } })),
      ];
      try {
        for (let i = 0; i < 40; i++) {
          const written = await writeFlag(app, key, i % 2 === 1);
          const [list, viaGet, one] = await Promise.all([
            listed(app, 'now.'),
            get(app, LIST, { prefix: 'now.' }),
            post(app, { query: GET_ONE, variables: { key } }),
          ]);
          expect(list.find((f) => f.key === key)).toEqual(written);
          expect(flagsOf(viaGet).find((f) => f.key === key)).toEqual(written);
          expect(one.json.data?.flag).toEqual(written);
        }
      } finally {
        stop = true;
        await Promise.all(readers);
      }
      expect(readerAnswers).toBeGreaterThan(0);
    });
  });

  describe('scope: an answer is only ever reused for the same request', () => {
    beforeAll(async () => {
      await writeFlag(app, 'left.x', true);
      await writeFlag(app, 'right.x', false);
    });

    it('keeps each prefix its own answer, and a change in one prefix shows in its answer only', async () => {
      const right = await listed(app, 'right.');
      await listed(app, 'left.');
      const written = await writeFlag(app, 'left.x', false);
      expect(await listed(app, 'left.')).toEqual([written]);
      expect(await listed(app, 'right.')).toEqual(right);
      const rightWritten = await writeFlag(app, 'right.x', true);
      expect(await listed(app, 'right.')).toEqual([rightWritten]);
      expect(await listed(app, 'left.')).toEqual([written]);
    });

    it('never answers one set of variables with the answer to another', async () => {
      for (let i = 0; i < 3; i++) {
        expect((await listed(app, 'left.')).map((f) => f.key)).toEqual(['left.x']);
        expect((await listed(app, 'right.')).map((f) => f.key)).toEqual(['right.x']);
        const viaGet = await get(app, LIST, { prefix: 'right.' });
        expect(flagsOf(viaGet).map((f) => f.key)).toEqual(['right.x']);
        const one = await post(app, { query: GET_ONE, variables: { key: 'left.x' } });
        expect(one.json.data?.flag).toMatchObject({ key: 'left.x' });
      }
    });

    it('keeps the answers to different tokens apart', async () => {
      const query = { query: LIST, variables: { prefix: 'tokens-apart.' } };
      const before = memo().size;
      await post(app, query, { token: CLIENT });
      await post(app, query, { token: CLIENT });
      expect(memo().size).toBe(before + 1);
      await post(app, query, { token: OTHER_CLIENT });
      await post(app, query, { token: ADMIN });
      expect(memo().size).toBe(before + 3);
    });

    it('answers in the content type each request accepts', async () => {
      const query = { query: LIST, variables: { prefix: 'accept.' } };
      const json = await post(app, query);
      const graphqlJson = await post(app, query, {
        headers: { accept: 'application/graphql-response+json' },
      });
      const again = await post(app, query);
      expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(graphqlJson.headers.get('content-type')).toBe(
        'application/graphql-response+json; charset=utf-8',
      );
      expect(again.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const refused = await post(app, query, { headers: { accept: 'text/csv' } });
      expect(refused.status).toBe(406);
    });
  });

  describe('a request Apollo or the service refuses is refused again', () => {
    const query = { query: LIST, variables: { prefix: 'refused.' } };

    beforeAll(async () => {
      // Memoised: the requests below differ from it only in what makes them refused.
      await post(app, query);
      await get(app, LIST, { prefix: 'refused.' });
      expect((await post(app, query)).status).toBe(200);
      expect((await get(app, LIST, { prefix: 'refused.' })).status).toBe(200);
    });

    it('refuses a missing or unknown token with 401', async () => {
      for (let i = 0; i < 2; i++) {
        expect((await post(app, query, { token: undefined })).status).toBe(401);
        expect((await post(app, query, { token: 'not-a-token-0123456789' })).status).toBe(401);
      }
    });

    it('refuses a request without a preflight as CSRF, over GET and POST', async () => {
      for (let i = 0; i < 2; i++) {
        const viaGet = await get(app, LIST, { prefix: 'refused.' }, {});
        expect(viaGet.status).toBe(400);
        expect(viaGet.json.errors?.[0]?.message).toMatch(/Cross-Site Request Forgery/);
        const plain = await post(app, JSON.stringify(query), { headers: { 'content-type': 'text/plain' } });
        expect(plain.status).toBe(400);
      }
    });

    it('refuses a document over a limit every time, and never memoises it', async () => {
      // Eleven root fields: one more than MAX_ROOT_FIELDS.
      const aliases = Array.from({ length: 10 }, (_, i) => `a${i}: flags(prefix: "refused.") { key }`);
      const tooWide = `query { flags(prefix: "refused.") { key } ${aliases.join(' ')} }`;
      const size = memo().size;
      for (let i = 0; i < 2; i++) {
        const answer = await post(app, { query: tooWide });
        expect(answer.status).toBe(400);
        expect(answer.json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      }
      expect(memo().size).toBe(size);
    });

    it('refuses a query string on a memoised POST (POST takes no query parameters)', async () => {
      const answer = await post(app, query, { path: `/graphql?query=${'x'.repeat(10_001)}` });
      expect(answer.status).toBe(400);
      expect((answer.json as { error?: { code?: string } }).error?.code).toBe('VALIDATION_FAILED');
    });

    it('never memoises an answer with errors', async () => {
      const bad = { query: GET_ONE, variables: { key: 'not a key' } };
      const size = memo().size;
      for (let i = 0; i < 2; i++) {
        const answer = await post(app, bad);
        expect(answer.json.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
      }
      expect(memo().size).toBe(size);
    });

    it('runs a mutation every time, never from the memo', async () => {
      await writeFlag(app, 'refused.m', false);
      const body = { query: TOGGLE, variables: { key: 'refused.m' } };
      const first = await post(app, body, { token: ADMIN });
      const second = await post(app, body, { token: ADMIN });
      const versionOf = (answer: Answer) => (answer.json.data?.toggleFlag as FlagView | undefined)?.version;
      expect(versionOf(second)).toBe((versionOf(first) ?? Number.NaN) + 1);
    });

    it('refuses a mutation from a client token every time', async () => {
      const body = { query: TOGGLE, variables: { key: 'refused.m' } };
      for (let i = 0; i < 2; i++) {
        const answer = await post(app, body);
        expect(answer.json.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
    });
  });

  describe('a memoised answer is the answer Apollo gave', () => {
    it('repeats status, headers and body byte for byte, with a request id of its own', async () => {
      const query = { query: LIST, variables: { prefix: 'now.' } };
      const miss = await post(app, { ...query, operationName: 'List' });
      const hits = memo().stats.hits;
      const hit = await post(
        app,
        { ...query, operationName: 'List' },
        { headers: { 'x-request-id': 'memo-hit-1' } },
      );
      expect(memo().stats.hits).toBe(hits + 1);
      expect(hit.status).toBe(miss.status);
      expect(hit.text).toBe(miss.text);
      const without = (h: Headers) =>
        [...h.entries()].filter(([name]) => !['date', 'x-request-id'].includes(name));
      expect(without(hit.headers)).toEqual(without(miss.headers));
      expect(hit.headers.get('x-request-id')).toBe('memo-hit-1');
      expect(miss.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('logs and measures a memoised answer like any other', async () => {
      const series =
        'flagwire_http_request_duration_seconds_count{method="POST",route="/graphql",status="200"}';
      const metrics = async () => (await fetch(new URL('/metrics', app.url))).text();
      const query = { query: LIST, variables: { prefix: 'logged.' } };
      await post(app, query);
      const before = sample(await metrics(), series);
      const hits = memo().stats.hits;
      await post(app, query, { headers: { 'x-request-id': 'memo-logged-1' } });
      await post(app, query, { headers: { 'x-request-id': 'memo-logged-2' } });
      expect(memo().stats.hits).toBe(hits + 2);
      expect(sample(await metrics(), series)).toBe(before + 2);
      const logged = lines.filter((l) =>
        ['memo-logged-1', 'memo-logged-2'].includes(String((l.req as { id?: string })?.id)),
      );
      expect(
        logged.map((l) => [l.msg, (l.res as { status: number }).status, (l.req as { url: string }).url]),
      ).toEqual([
        ['request completed', 200, '/graphql'],
        ['request completed', 200, '/graphql'],
      ]);
    });

    it('reads a body sent compressed or in chunks, and the next request on the connection', async () => {
      const body = JSON.stringify({ query: LIST, variables: { prefix: 'now.' } });
      const expected = await post(app, body);
      const gzipped = await fetch(new URL('/graphql', app.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          authorization: `Bearer ${CLIENT}`,
        },
        body: gzipSync(body),
      }).then(answerOf);
      expect(gzipped.text).toBe(expected.text);
      const chunked = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(new URL('/graphql', app.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT}` },
        });
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        req.end(body.slice(10));
      });
      expect(chunked).toBe(expected.text);
    });

    it('hands a request it does not answer to the service as it came, body and all', async () => {
      await listed(app, 'now.'); // the memo is not empty: the body is read before the memo is asked
      for (let i = 0; i < 5; i++) {
        const fresh = `fresh-${i}.`;
        expect(await listed(app, fresh)).toEqual([]);
        const written = await writeFlag(app, `${fresh}x`, true);
        expect(await listed(app, fresh)).toEqual([written]);
      }
    });
  });

  it(`stays within ${DEFAULT_MEMO_LIMITS.maxEntries} answers, however many distinct queries arrive`, async () => {
    const batch = 50;
    for (let i = 0; i < DEFAULT_MEMO_LIMITS.maxEntries + 2 * batch; i += batch) {
      await Promise.all(
        Array.from({ length: batch }, (_, j) =>
          post(app, { query: LIST, variables: { prefix: `many-${i + j}.` } }),
        ),
      );
    }
    expect(memo().size).toBe(DEFAULT_MEMO_LIMITS.maxEntries);
    expect(memo().stats.bytes).toBeLessThanOrEqual(DEFAULT_MEMO_LIMITS.maxBytes);
    // The newest are kept, the oldest forgotten.
    const hits = memo().stats.hits;
    await post(app, {
      query: LIST,
      variables: { prefix: `many-${DEFAULT_MEMO_LIMITS.maxEntries + 2 * batch - 1}.` },
    });
    expect(memo().stats.hits).toBe(hits + 1);
    await post(app, { query: LIST, variables: { prefix: 'many-0.' } });
    expect(memo().stats.hits).toBe(hits + 1);
  });
});

describe('GraphQL response memo on two instances sharing a store and Redis', () => {
  let mongo: Awaited<ReturnType<typeof startMongo>>;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    [mongo, redis] = await Promise.all([startMongo(), startRedis()]);
    const env = { MONGODB_URI: mongo.uri, REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix() };
    a = await startTestApp(env);
    b = await startTestApp(env);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await Promise.allSettled([a?.removeDataDir(), b?.removeDataDir(), redis?.stop(), mongo?.stop()]);
  });

  it('answers on B with a change made on A as soon as B has applied it', async () => {
    const sse = openSse(`${b.url}/feature-flags/stream?prefix=cross`);
    expect((await sse.next()).type).toBe('snapshot');
    try {
      for (let i = 0; i < 5; i++) {
        // Memoised on B...
        await listed(b, 'cross.', undefined);
        await listed(b, 'cross.', undefined);
        const res = await sendJson(a, 'POST', '/feature-flags', {
          key: 'cross.flag',
          isEnabled: i % 2 === 0,
        });
        const { revision, version } = (await res.json()) as { revision: number; version: number };
        // ...until B applies the change (its SSE stream shows it): then the next query sees it.
        expect(await sse.next()).toMatchObject({ type: 'upsert', id: String(revision) });
        expect(await listed(b, 'cross.', undefined)).toEqual([
          { key: 'cross.flag', isEnabled: i % 2 === 0, version },
        ]);
      }
    } finally {
      sse.close();
    }
  });
});
