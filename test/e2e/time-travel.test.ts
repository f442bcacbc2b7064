import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { graphql } from '../support/graphql-client.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ADMIN = 'admin-secret-token-0001';
const STAGING_READER = 'staging-secret-token-02';
const FRONTEND = 'frontend-secret-token-03';
const ENV = {
  ADMIN_TOKENS: `ops ${ADMIN}`,
  CLIENT_TOKENS: `web@staging ${STAGING_READER}`,
  FRONTEND_TOKENS: `site@production ${FRONTEND}`,
  WRITE_RATE_BURST: '1000',
  AS_OF_MAX_CHANGES: '20',
};
const admin = { authorization: `Bearer ${ADMIN}` };
const REVISION = 'flagwire-as-of-revision';
const BULK = '/ofrep/v1/evaluate/flags';

interface BulkBody {
  flags: Array<Record<string, unknown> & { key: string }>;
  eventStreams?: unknown[];
  metadata: Record<string, unknown>;
}

const booleanFlag = (key: string, production: boolean, staging?: boolean) => ({
  key,
  type: 'boolean',
  variants: { on: true, off: false },
  environments: {
    production: { enabled: production, offVariant: 'off', fallthrough: { variant: 'on' } },
    ...(staging === undefined
      ? {}
      : { staging: { enabled: staging, offVariant: 'off', fallthrough: { variant: 'on' } } }),
  },
});

describe('reads with asOf', () => {
  let app: TestApp;
  let store: MemoryFlagStore;
  const get = (path: string, token = ADMIN) =>
    client(app)(path, { headers: { authorization: `Bearer ${token}` } });
  const write = async (method: string, path: string, body: unknown) => {
    const res = await sendJson(app, method, path, body, admin);
    expect(res.status).toBeLessThan(300);
  };

  beforeAll(async () => {
    store = new MemoryFlagStore();
    app = await startTestApp(ENV, { store });
    // 1: a (production on); 2: staging; 3: a in staging too; 4: segment; 5: b; 6: a off in production.
    await write('PUT', '/feature-flags/a', booleanFlag('a', true));
    await write('POST', '/environments', { key: 'staging' });
    await write('PUT', '/feature-flags/a', booleanFlag('a', true, false));
    await write('POST', '/segments', { key: 'beta', included: ['u1'] });
    await write('PUT', '/feature-flags/b', booleanFlag('b', false));
    await write('PATCH', '/feature-flags/a', { isEnabled: false });
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
  });

  it('answers the flag list, one flag, segments and environments as they were, naming the revision', async () => {
    const list = await get('/feature-flags?asOf=1');
    expect(list.status).toBe(200);
    expect(list.headers.get(REVISION)).toBe('1');
    expect(
      ((await list.json()) as Array<{ key: string; isEnabled: boolean }>).map((f) => [f.key, f.isEnabled]),
    ).toEqual([['a', true]]);
    const one = await get('/feature-flags/a?asOf=5&environment=staging');
    expect(one.headers.get(REVISION)).toBe('5');
    expect(await one.json()).toMatchObject({ key: 'a', isEnabled: false, version: 2, revision: 3 });
    expect((await get('/feature-flags/b?asOf=4')).status).toBe(404);
    expect(await (await get('/segments?asOf=3')).json()).toEqual([]);
    expect(((await (await get('/segments?asOf=4')).json()) as unknown[]).length).toBe(1);
    expect((await get('/segments/beta?asOf=3')).status).toBe(404);
    expect(await (await get('/environments?asOf=1')).json()).toEqual([
      { key: 'production', description: '' },
    ]);
  });

  it('answers the current state for an asOf at or after the current revision, or in the future', async () => {
    const live = await (await get('/feature-flags')).text();
    for (const asOf of ['6', '1000', '2999-01-01T00:00:00Z']) {
      const res = await get(`/feature-flags?asOf=${asOf}`);
      expect(res.headers.get(REVISION)).toBe('6');
      expect(await res.text()).toBe(live);
    }
    // Without asOf, nothing says a revision: the poll is what it always was.
    expect((await get('/feature-flags')).headers.get(REVISION)).toBeNull();
  });

  it('refuses a malformed asOf with 400 naming it', async () => {
    for (const asOf of ['abc', '-1', '1.5', '2025-13-01', '2025-01-31T14:02:00', '']) {
      const res = await get(`/feature-flags?asOf=${encodeURIComponent(asOf)}`);
      expect({ asOf, status: res.status }).toEqual({ asOf, status: 400 });
      expect(await res.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: { field: 'asOf' } },
      });
    }
    const ofrep = await sendJson(
      app,
      'POST',
      '/ofrep/v1/evaluate/flags/a?asOf=yesterday',
      { context: {} },
      admin,
    );
    expect(ofrep.status).toBe(400);
    const bulk = await sendJson(app, 'POST', `${BULK}?asOf=yesterday`, { context: {} }, admin);
    expect(bulk.status).toBe(400);
    expect(await bulk.json()).toMatchObject({ errorCode: 'GENERAL' });
  });

  it('scopes a past read like a live one: the token environment, which must have existed then', async () => {
    const before = await get('/feature-flags?asOf=1', STAGING_READER);
    expect(before.status).toBe(404);
    expect(await before.json()).toMatchObject({ error: { code: 'ENVIRONMENT_NOT_FOUND' } });
    const after = await get('/feature-flags?asOf=3', STAGING_READER);
    expect(after.headers.get('flagwire-environment')).toBe('staging');
    expect(await after.json()).toMatchObject([
      { key: 'a', isEnabled: false, definition: { environments: { staging: { enabled: false } } } },
    ]);
    expect((await get('/feature-flags?asOf=3&environment=production', STAGING_READER)).status).toBe(403);
  });

  it('evaluates over OFREP as then, with the revision in a header and in metadata', async () => {
    const then = await sendJson(
      app,
      'POST',
      '/ofrep/v1/evaluate/flags/a?asOf=5',
      { context: { targetingKey: 'u1' } },
      admin,
    );
    expect(then.status).toBe(200);
    expect(then.headers.get(REVISION)).toBe('5');
    expect(await then.json()).toEqual({
      key: 'a',
      value: true,
      variant: 'on',
      reason: 'STATIC',
      metadata: { environment: 'production', flagVersion: 2, decidedBy: 'fallthrough', asOfRevision: 5 },
    });
    const now = await sendJson(
      app,
      'POST',
      '/ofrep/v1/evaluate/flags/a',
      { context: { targetingKey: 'u1' } },
      admin,
    );
    expect(await now.json()).toMatchObject({ value: false, reason: 'DISABLED' });
    const missing = await sendJson(app, 'POST', '/ofrep/v1/evaluate/flags/b?asOf=4', { context: {} }, admin);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
  });

  describe('OFREP bulk evaluation with asOf', () => {
    const context = { context: { targetingKey: 'u1' } };
    const bulk = async (query: string, headers: Record<string, string> = {}, token = ADMIN) => {
      const res = await sendJson(app, 'POST', `${BULK}${query}`, context, {
        authorization: `Bearer ${token}`,
        ...headers,
      });
      const text = await res.text();
      return { res, etag: res.headers.get('etag'), revision: res.headers.get(REVISION), text };
    };

    it('evaluates every flag as then, with the revision in a header and in metadata, and no event stream', async () => {
      const then = await bulk('?asOf=5');
      expect(then.res.status).toBe(200);
      expect(then.revision).toBe('5');
      expect(JSON.parse(then.text)).toEqual({
        flags: [
          {
            key: 'a',
            value: true,
            variant: 'on',
            reason: 'STATIC',
            metadata: { environment: 'production', flagVersion: 2, decidedBy: 'fallthrough' },
          },
          {
            key: 'b',
            value: false,
            variant: 'off',
            reason: 'DISABLED',
            metadata: { environment: 'production', flagVersion: 1, decidedBy: 'disabled' },
          },
        ],
        metadata: { environment: 'production', asOfRevision: 5 },
      });
      // b did not exist at 4; a time answers the revision it lands on.
      const before = JSON.parse((await bulk('?asOf=4')).text) as BulkBody;
      expect(before.flags.map((flag) => flag.key)).toEqual(['a']);
      // Without asOf: the current state, as always.
      const now = await bulk('');
      expect(now.revision).toBeNull();
      const live = JSON.parse(now.text) as BulkBody;
      expect(live.flags[0]).toMatchObject({ key: 'a', value: false, reason: 'DISABLED' });
      expect(live.eventStreams).toHaveLength(1);
      expect(live.metadata).toEqual({ environment: 'production' });
    });

    it('gives a past answer an ETag of its own: 304 on a repeat, 200 for another context, moment or a live read', async () => {
      const first = await bulk('?asOf=5');
      expect(first.etag).toMatch(/^"asof\.5\.[\w-]{32}"$/);
      const repeat = await bulk('?asOf=5', { 'if-none-match': first.etag as string });
      expect(repeat.res.status).toBe(304);
      expect(repeat.etag).toBe(first.etag);
      expect(repeat.revision).toBe('5');
      // The ETag covers the context, the moment and the token.
      const other = await sendJson(
        app,
        'POST',
        `${BULK}?asOf=5`,
        { context: { targetingKey: 'u2' } },
        { ...admin, 'if-none-match': first.etag as string },
      );
      expect(other.status).toBe(200);
      expect((await bulk('?asOf=4', { 'if-none-match': first.etag as string })).res.status).toBe(200);
      // A live request never matches it.
      expect((await bulk('', { 'if-none-match': first.etag as string })).res.status).toBe(200);
    });

    it('answers an asOf at or after the current revision as the live answer, with its ETag and event stream', async () => {
      const now = await bulk('');
      const live = JSON.parse(now.text) as BulkBody;
      const current = Number((await bulk('?asOf=1000')).revision);
      for (const asOf of [String(current), '1000', '2999-01-01T00:00:00Z']) {
        const answer = await bulk(`?asOf=${asOf}`);
        expect(answer.revision).toBe(String(current));
        expect(answer.etag).toBe(now.etag);
        expect(JSON.parse(answer.text)).toEqual({
          ...live,
          metadata: { ...live.metadata, asOfRevision: current },
        });
        const revalidated = await bulk(`?asOf=${asOf}`, { 'if-none-match': now.etag as string });
        expect({ asOf, status: revalidated.res.status }).toEqual({ asOf, status: 304 });
        expect(revalidated.revision).toBe(String(current));
      }
      // The answers with asOf left the live request's memos as they were: the same bytes, the same 304.
      const again = await bulk('');
      expect(again.text).toBe(now.text);
      expect(again.etag).toBe(now.etag);
      expect((await bulk('', { 'if-none-match': now.etag as string })).res.status).toBe(304);
    });

    it('scopes like a live bulk read: the token environment, which must have existed then; frontend tokens too', async () => {
      const before = await bulk('?asOf=1', {}, STAGING_READER);
      expect(before.res.status).toBe(400);
      expect(JSON.parse(before.text)).toMatchObject({ errorCode: 'GENERAL' });
      const after = await bulk('?asOf=3', {}, STAGING_READER);
      expect(after.res.status).toBe(200);
      expect(JSON.parse(after.text)).toMatchObject({
        flags: [{ key: 'a', value: false, reason: 'DISABLED', metadata: { environment: 'staging' } }],
        metadata: { environment: 'staging', asOfRevision: 3 },
      });
      // As on the single-flag endpoint, a frontend token may ask its own environment as it was.
      const frontend = await bulk('?asOf=1', {}, FRONTEND);
      expect(frontend.res.status).toBe(200);
      expect(JSON.parse(frontend.text)).toMatchObject({ flags: [{ key: 'a', value: true }] });
      expect((await bulk('?asOf=3&environment=staging', {}, FRONTEND)).res.status).toBe(403);
    });
  });

  it('answers GraphQL reads and evaluations as then, with ids of their own and the revision', async () => {
    const answer = await graphql<{
      point: { revision: number; live: boolean };
      flags: Array<{ id: string; isEnabled: boolean; environments: Array<{ id: string }> }>;
      flag: { id: string; version: number } | null;
      evaluation: { value: unknown; asOfRevision: number | null };
      all: Array<{ key: string; value: unknown; asOfRevision: number }>;
      now: { asOfRevision: number | null };
      segments: Array<{ id: string }>;
      environments: Array<{ key: string }>;
    }>(
      app,
      `query ($t: String) {
        point: historyPoint(asOf: "5") { revision live }
        flags(asOf: $t) { id isEnabled environments { id } }
        flag(key: "a", environment: "staging", asOf: $t) { id version }
        evaluation: evaluate(key: "a", context: {targetingKey: "u1"}, asOf: $t) { value asOfRevision }
        all: evaluateAll(context: {targetingKey: "u1"}, asOf: $t) { key value asOfRevision }
        now: evaluate(key: "a", context: {targetingKey: "u1"}) { asOfRevision }
        segments(asOf: $t) { id }
        environments(asOf: "1") { key }
      }`,
      { t: '5' },
      ADMIN,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      point: { revision: 5, live: false },
      flags: [
        { id: 'a#3', isEnabled: true, environments: [{ id: 'a#3/production' }, { id: 'a#3/staging' }] },
        { id: 'b#5', isEnabled: false, environments: [{ id: 'b#5/production' }] },
      ],
      flag: { id: 'a@staging#3', version: 2 },
      evaluation: { value: true, asOfRevision: 5 },
      all: [
        { key: 'a', value: true, asOfRevision: 5 },
        { key: 'b', value: false, asOfRevision: 5 },
      ],
      now: { asOfRevision: null },
      segments: [{ id: 'beta#4' }],
      environments: [{ key: 'production' }],
    });
    const live = await graphql<{ historyPoint: { revision: number; live: boolean } }>(
      app,
      '{ historyPoint(asOf: "2999-01-01") { revision live } }',
      {},
      ADMIN,
    );
    expect(live.data?.historyPoint).toEqual({ revision: 6, live: true });
  });

  it('refuses an asOf more than AS_OF_MAX_CHANGES changes back with 422, everywhere', async () => {
    for (let i = 0; i < 21; i++) await write('PUT', `/feature-flags/bulk${i}`, booleanFlag(`bulk${i}`, true));
    // 21 changes back from the live view (a state kept earlier is answered whatever its distance, and
    // a read below one starts from it: revision 6 lies above every state kept so far).
    const res = await get('/feature-flags?asOf=6');
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      error: { code: 'AS_OF_TOO_MANY_CHANGES', details: { maxChanges: 20 } },
    });
    const answer = await graphql(app, '{ flags(asOf: "6") { key } }', {}, ADMIN);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'AS_OF_TOO_MANY_CHANGES', maxChanges: 20 });
    const bulk = await sendJson(app, 'POST', '/ofrep/v1/evaluate/flags?asOf=6', { context: {} }, admin);
    expect(bulk.status).toBe(422);
    expect(await bulk.json()).toEqual({
      errorCode: 'GENERAL',
      errorDetails: expect.any(String),
      metadata: { errorCode: 'AS_OF_TOO_MANY_CHANGES', maxChanges: 20 },
    });
    expect((await get('/feature-flags?asOf=7')).status).toBe(200);
    // Once 7 is kept, 6 is one change below it.
    expect((await get('/feature-flags?asOf=6')).status).toBe(200);
  });

  it('refuses an asOf before what retention kept with 410 naming the oldest revision and time that work', async () => {
    await store.purgeAudit({ maxAgeMs: 1e12, maxCount: 3 });
    const horizon = await store.audit.oldestRetained();
    expect(horizon.purgedThrough).toBe(24);
    const oldest = { oldestRevision: 24, oldestTime: horizon.oldest?.at };
    // 5 was read before, and kept: retention still comes first.
    for (const asOf of ['23', '5', '1', '2000-01-01']) {
      const res = await get(`/feature-flags?asOf=${asOf}`);
      expect({ asOf, status: res.status }).toEqual({ asOf, status: 410 });
      expect(await res.json()).toMatchObject({ error: { code: 'AS_OF_BEYOND_RETENTION', details: oldest } });
    }
    expect((await get('/feature-flags?asOf=24')).status).toBe(200);
    expect((await get(`/feature-flags?asOf=${horizon.oldest?.at}`)).status).toBe(200);
    const answer = await graphql(app, '{ evaluateAll(context: {}, asOf: "23") { key } }', {}, ADMIN);
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'AS_OF_BEYOND_RETENTION', ...oldest });
    const ofrep = await sendJson(app, 'POST', '/ofrep/v1/evaluate/flags/a?asOf=23', { context: {} }, admin);
    expect(ofrep.status).toBe(410);
    expect(await ofrep.json()).toMatchObject({
      key: 'a',
      errorCode: 'GENERAL',
      metadata: { errorCode: 'AS_OF_BEYOND_RETENTION', ...oldest },
    });
    const bulk = await sendJson(app, 'POST', '/ofrep/v1/evaluate/flags?asOf=5', { context: {} }, admin);
    expect(bulk.status).toBe(410);
    expect(await bulk.json()).toEqual({
      errorCode: 'GENERAL',
      errorDetails: expect.any(String),
      metadata: { errorCode: 'AS_OF_BEYOND_RETENTION', ...oldest },
    });
  });
});

describe('asOf on data written before the audit history existed', () => {
  let app: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'flagwire-asof-'));
    await copyFile(
      new URL('../fixtures/flags-before-definitions.json', import.meta.url),
      join(dataDir, 'flags.json'),
    );
    app = await startTestApp({ DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers from where the history starts on, and 410 before it', async () => {
    const before = await client(app)('/feature-flags?asOf=2');
    expect(before.status).toBe(410);
    expect(await before.json()).toMatchObject({
      error: { code: 'AS_OF_BEYOND_RETENTION', details: { oldestRevision: 3, oldestTime: null } },
    });
    expect((await client(app)('/feature-flags?asOf=2000-01-01')).status).toBe(410);
    expect(await sendJson(app, 'PATCH', '/feature-flags/dark-mode', { isEnabled: true })).toHaveProperty(
      'status',
      200,
    );
    const start = await client(app)('/feature-flags?asOf=3');
    expect(start.status).toBe(200);
    expect(
      ((await start.json()) as Array<{ key: string; isEnabled: boolean }>).find((f) => f.key === 'dark-mode'),
    ).toMatchObject({
      isEnabled: false,
    });
  });
});
