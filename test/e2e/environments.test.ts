import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Client, createClient, type FormattedExecutionResult } from 'graphql-ws';
import { WebSocket } from 'ws';
import { subscriptionHubOf } from '../../src/graphql/mount.js';
import type { SubscriptionHub } from '../../src/graphql/subscription-hub.js';
import { sendJson, startTestApp } from '../support/app.js';
import { SseClient } from '../support/sse.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ADMIN = 'admin-token-0123456789';
const PRODUCTION_READER = 'prod-reader-0123456789';
const STAGING_READER = 'staging-reader-0123456789';
/** Bound to an environment nobody creates. */
const QA_READER = 'qa-reader-0123456789abc';

interface FlagJson {
  key: string;
  isEnabled: boolean;
  version: number;
  definition: { environments: Record<string, { enabled: boolean }> };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('environments', () => {
  let app: TestApp;
  let hub: SubscriptionHub;
  let ws: Client;

  const get = (path: string, token = ADMIN, headers: Record<string, string> = {}) =>
    fetch(new URL(path, app.url), { headers: { ...bearer(token), ...headers } });
  const send = (method: string, path: string, body: unknown, token = ADMIN) =>
    sendJson(app, method, path, body, bearer(token));
  const graphql = async (query: string, variables: Record<string, unknown> = {}, token = ADMIN) => {
    const res = await send('POST', '/graphql', { query, variables }, token);
    return (await res.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { extensions?: { code?: string } }[];
    };
  };
  const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
  const listOf = async (res: Response) => (await res.json()) as FlagJson[];

  beforeAll(async () => {
    app = await startTestApp({
      ADMIN_TOKENS: ADMIN,
      CLIENT_TOKENS: `${PRODUCTION_READER}, staging ${STAGING_READER}, qa ${QA_READER}`,
    });
    const found = subscriptionHubOf(app.server);
    if (!found) throw new Error('no subscription hub');
    hub = found;
    ws = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${ADMIN}` },
    });
    expect((await send('POST', '/environments', { key: 'staging', description: 'pre-release' })).status).toBe(
      201,
    );
  });

  afterAll(async () => {
    await ws.dispose();
    await app.stop();
    await app.removeDataDir();
  });

  /** A flag on in production and off in staging, created through the seed's API in each. */
  async function aFlagOnInProductionOnly(key: string): Promise<void> {
    expect((await send('POST', '/feature-flags', { key, isEnabled: true })).status).toBe(201);
    expect((await send('POST', '/feature-flags?environment=staging', { key, isEnabled: false })).status).toBe(
      200,
    );
  }

  describe('POST /environments and GET /environments', () => {
    it('creates an environment with 201 and a Location, lists it with production, sorted, and refuses it twice with 409', async () => {
      const created = await send('POST', '/environments', { key: 'eu-west' });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe('/environments/eu-west');
      expect(await created.json()).toEqual({ key: 'eu-west', description: '' });

      const again = await send('POST', '/environments', { key: 'eu-west' });
      expect(again.status).toBe(409);
      expect(await errorCode(again)).toBe('ENVIRONMENT_ALREADY_EXISTS');
      const production = await send('POST', '/environments', { key: 'production' });
      expect(await errorCode(production)).toBe('ENVIRONMENT_ALREADY_EXISTS');

      const listed = await get('/environments', PRODUCTION_READER);
      expect(listed.status).toBe(200);
      expect(await listed.json()).toEqual([
        { key: 'eu-west', description: '' },
        { key: 'production', description: '' },
        { key: 'staging', description: 'pre-release' },
      ]);
    });

    it('refuses a malformed environment with 400 naming the field, and a client token with 403', async () => {
      const bad = await send('POST', '/environments', { key: '-nope' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: { field: 'key' } },
      });
      const extra = await send('POST', '/environments', { key: 'ok', colour: 'red' });
      expect(await extra.json()).toMatchObject({ error: { details: { field: 'colour' } } });
      const reader = await send('POST', '/environments', { key: 'reader-made' }, PRODUCTION_READER);
      expect(reader.status).toBe(403);
    });

    it('creates and lists environments over GraphQL too', async () => {
      const created = await graphql(
        'mutation ($input: CreateEnvironmentInput!) { createEnvironment(input: $input) { key description } }',
        { input: { key: 'gql-env', description: 'from GraphQL' } },
      );
      expect(created).toEqual({
        data: { createEnvironment: { key: 'gql-env', description: 'from GraphQL' } },
      });
      const listed = await graphql('{ environments { key } }', {}, STAGING_READER);
      expect(listed.data?.environments).toEqual(
        expect.arrayContaining([{ key: 'gql-env' }, { key: 'production' }]),
      );
      const twice = await graphql('mutation { createEnvironment(input: { key: "gql-env" }) { key } }');
      expect(twice.errors?.[0]?.extensions?.code).toBe('ENVIRONMENT_ALREADY_EXISTS');
    });
  });

  describe('seed writes in an environment', () => {
    it('POST and PATCH with ?environment=staging change isEnabled in staging only', async () => {
      expect((await send('POST', '/feature-flags', { key: 'seed.a', isEnabled: false })).status).toBe(201);
      const patched = await send('PATCH', '/feature-flags/seed.a?environment=staging', { isEnabled: true });
      expect(patched.status).toBe(200);
      // The answer shows the flag as the environment written sees it.
      expect(await patched.json()).toMatchObject({
        isEnabled: true,
        definition: { environments: { staging: { enabled: true } } },
      });
      const whole = (await (await get('/feature-flags/seed.a')).json()) as FlagJson;
      expect(whole.definition.environments.production?.enabled).toBe(false);
      expect(whole.definition.environments.staging?.enabled).toBe(true);
      expect(whole.isEnabled).toBe(false);
    });

    it('toggleFlag(environment: "staging") flips staging only', async () => {
      expect((await send('POST', '/feature-flags', { key: 'seed.b', isEnabled: true })).status).toBe(201);
      const toggled = await graphql(
        'mutation { toggleFlag(key: "seed.b", environment: "staging") { isEnabled definition } }',
      );
      expect(toggled.errors).toBeUndefined();
      // A flag with no staging configuration gets the seed's boolean one, then flips: on.
      expect(toggled.data?.toggleFlag).toMatchObject({ isEnabled: true });
      const production = (await (
        await get('/feature-flags/seed.b?environment=production')
      ).json()) as FlagJson;
      expect(production.isEnabled).toBe(true);
      expect(Object.keys(production.definition.environments)).toEqual(['production']);
      const again = await graphql(
        'mutation { toggleFlag(key: "seed.b", environment: "staging") { isEnabled } }',
      );
      expect(again.data?.toggleFlag).toEqual({ isEnabled: false });
      expect(((await (await get('/feature-flags/seed.b')).json()) as FlagJson).isEnabled).toBe(true);
    });

    it('refuses a seed write in an unknown environment with 404 ENVIRONMENT_NOT_FOUND and stores nothing', async () => {
      const res = await send('POST', '/feature-flags?environment=nowhere', { key: 'seed.never' });
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe('ENVIRONMENT_NOT_FOUND');
      expect((await get('/feature-flags/seed.never')).status).toBe(404);
    });
  });

  describe('reads per environment', () => {
    it('serves each environment its own list and ETag, and a 304 only for the ETag of the same environment', async () => {
      await aFlagOnInProductionOnly('etag.a');
      const production = await get('/feature-flags?prefix=etag.&environment=production');
      const staging = await get('/feature-flags?prefix=etag.&environment=staging');
      expect((await listOf(production)).map((flag) => flag.isEnabled)).toEqual([true]);
      expect((await listOf(staging)).map((flag) => flag.isEnabled)).toEqual([false]);
      const productionTag = production.headers.get('etag') as string;
      const stagingTag = staging.headers.get('etag') as string;
      expect(stagingTag).not.toBe(productionTag);

      const notModified = await get('/feature-flags?prefix=etag.&environment=staging', ADMIN, {
        'if-none-match': stagingTag,
      });
      expect(notModified.status).toBe(304);
      // Production's ETag is no proof of staging's state.
      const crossed = await get('/feature-flags?prefix=etag.&environment=staging', ADMIN, {
        'if-none-match': productionTag,
      });
      expect(crossed.status).toBe(200);
    });

    it('a change in staging changes the staging ETag and body; production keeps its isEnabled but gets a new ETag (version and revision are in every view)', async () => {
      await aFlagOnInProductionOnly('change.a');
      const before = {
        production: (await get('/feature-flags?prefix=change.&environment=production')).headers.get(
          'etag',
        ) as string,
        staging: (await get('/feature-flags?prefix=change.&environment=staging')).headers.get(
          'etag',
        ) as string,
      };
      expect(
        (await send('PATCH', '/feature-flags/change.a?environment=staging', { isEnabled: true })).status,
      ).toBe(200);

      const staging = await get('/feature-flags?prefix=change.&environment=staging', ADMIN, {
        'if-none-match': before.staging,
      });
      expect(staging.status).toBe(200);
      expect((await listOf(staging))[0]?.isEnabled).toBe(true);
      const production = await get('/feature-flags?prefix=change.&environment=production', ADMIN, {
        'if-none-match': before.production,
      });
      expect(production.status).toBe(200);
      expect((await listOf(production))[0]).toMatchObject({ isEnabled: true, version: 3 });
    });

    it('answers polls naming an environment before routing (no X-Request-Id), with the same body as the Express route', async () => {
      await aFlagOnInProductionOnly('fast.a');
      const fast = await get('/feature-flags?prefix=fast.&environment=staging');
      const reordered = await get('/feature-flags?environment=staging&prefix=fast.');
      // Percent-encoded, the same request takes the Express route.
      const routed = await get('/feature-flags?prefix=fast.&environment=%73taging');
      expect(fast.headers.get('x-request-id')).toBeNull();
      expect(reordered.headers.get('x-request-id')).toBeNull();
      expect(routed.headers.get('x-request-id')).not.toBeNull();
      const body = await fast.text();
      expect(await reordered.text()).toBe(body);
      expect(await routed.text()).toBe(body);
      expect((JSON.parse(body) as FlagJson[]).map((flag) => flag.isEnabled)).toEqual([false]);
      // Repeated, it is Express's to refuse.
      expect((await get('/feature-flags?environment=staging&environment=staging')).status).toBe(400);
    });

    it('serves one flag per environment with an ETag per environment', async () => {
      await aFlagOnInProductionOnly('one.a');
      const staging = await get('/feature-flags/one.a?environment=staging');
      const production = await get('/feature-flags/one.a?environment=production');
      expect(((await staging.json()) as FlagJson).isEnabled).toBe(false);
      expect(((await production.json()) as FlagJson).isEnabled).toBe(true);
      expect(staging.headers.get('etag')).not.toBe(production.headers.get('etag'));
      const revalidated = await get('/feature-flags/one.a?environment=staging', ADMIN, {
        'if-none-match': staging.headers.get('etag') as string,
      });
      expect(revalidated.status).toBe(304);
    });

    it('answers an unknown environment with 404 ENVIRONMENT_NOT_FOUND on every read path', async () => {
      for (const path of [
        '/feature-flags?environment=nowhere',
        '/feature-flags/one.a?environment=nowhere',
        '/feature-flags/stream?environment=nowhere',
      ]) {
        const res = await get(path);
        expect([path, res.status]).toEqual([path, 404]);
        expect(await errorCode(res)).toBe('ENVIRONMENT_NOT_FOUND');
      }
      const gql = await graphql('{ flags(environment: "nowhere") { key } }');
      expect(gql.errors?.[0]?.extensions?.code).toBe('ENVIRONMENT_NOT_FOUND');
      // A token bound to an environment not created yet reads nothing, also on the poll's fast path.
      const bound = await get('/feature-flags', QA_READER);
      expect(bound.status).toBe(404);
      expect(await errorCode(bound)).toBe('ENVIRONMENT_NOT_FOUND');
    });
  });

  describe('client tokens bound to an environment', () => {
    it('a token bound to staging reads staging without asking, on the plain poll too, and cannot read production (403)', async () => {
      await aFlagOnInProductionOnly('bound.a');
      const plain = await get('/feature-flags', STAGING_READER);
      expect(plain.status).toBe(200);
      const flag = (await listOf(plain)).find((f) => f.key === 'bound.a');
      expect(flag?.isEnabled).toBe(false);
      expect(Object.keys(flag?.definition.environments ?? {})).toEqual(['staging']);
      expect((await get('/feature-flags?prefix=bound.', STAGING_READER)).status).toBe(200);
      expect((await get('/feature-flags?environment=staging', STAGING_READER)).status).toBe(200);

      for (const path of [
        '/feature-flags?environment=production',
        '/feature-flags/bound.a?environment=production',
        '/feature-flags/stream?environment=production',
      ]) {
        const res = await get(path, STAGING_READER);
        expect([path, res.status]).toEqual([path, 403]);
        expect(await errorCode(res)).toBe('FORBIDDEN');
      }
      const gql = await graphql('{ flags(environment: "production") { key } }', {}, STAGING_READER);
      expect(gql.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('a plain client token reads production, and cannot read staging', async () => {
      await aFlagOnInProductionOnly('plain.a');
      const list = await listOf(await get('/feature-flags?prefix=plain.', PRODUCTION_READER));
      expect(list.map((flag) => flag.isEnabled)).toEqual([true]);
      expect(Object.keys(list[0]?.definition.environments ?? {})).toEqual(['production']);
      expect((await get('/feature-flags?environment=staging', PRODUCTION_READER)).status).toBe(403);
    });

    it("two tokens sending the same GraphQL query get their own environment, never each other's memoised answer", async () => {
      await aFlagOnInProductionOnly('memo.a');
      const query = '{ flags(prefix: "memo.") { key isEnabled } }';
      for (let round = 0; round < 2; round++) {
        expect((await graphql(query, {}, PRODUCTION_READER)).data).toEqual({
          flags: [{ key: 'memo.a', isEnabled: true }],
        });
        expect((await graphql(query, {}, STAGING_READER)).data).toEqual({
          flags: [{ key: 'memo.a', isEnabled: false }],
        });
      }
    });
  });

  describe('streams per environment', () => {
    it("an SSE stream in staging gets staging's isEnabled and definition, while one in production gets production's", async () => {
      await aFlagOnInProductionOnly('sse.a');
      const staging = await SseClient.open(
        new URL('/feature-flags/stream?prefix=sse.', app.url),
        bearer(STAGING_READER),
      );
      const production = await SseClient.open(
        new URL('/feature-flags/stream?prefix=sse.&environment=production', app.url),
        bearer(ADMIN),
      );
      try {
        const snapshotOf = async (client: SseClient) =>
          JSON.parse((await client.nextEvent()).data) as { flags: FlagJson[] };
        expect((await snapshotOf(staging)).flags.map((f) => f.isEnabled)).toEqual([false]);
        expect((await snapshotOf(production)).flags.map((f) => f.isEnabled)).toEqual([true]);

        expect(
          (await send('PATCH', '/feature-flags/sse.a?environment=staging', { isEnabled: true })).status,
        ).toBe(200);
        const stagingUpsert = JSON.parse((await staging.nextEvent()).data) as { flag: FlagJson };
        expect(stagingUpsert.flag.isEnabled).toBe(true);
        expect(stagingUpsert.flag.definition.environments).toEqual({
          staging: expect.objectContaining({ enabled: true }),
        });
        const productionUpsert = JSON.parse((await production.nextEvent()).data) as { flag: FlagJson };
        expect(productionUpsert.flag.isEnabled).toBe(true);
        expect(Object.keys(productionUpsert.flag.definition.environments)).toEqual(['production']);
      } finally {
        staging.close();
        production.close();
      }
    });

    it('an SSE client resuming in staging with Last-Event-ID is replayed the changes as staging sees them', async () => {
      await aFlagOnInProductionOnly('resume.a');
      const url = new URL('/feature-flags/stream?prefix=resume.&environment=staging', app.url);
      const first = await SseClient.open(url, bearer(ADMIN));
      const { id } = await first.nextEvent();
      first.close();
      expect(
        (await send('PATCH', '/feature-flags/resume.a?environment=staging', { isEnabled: true })).status,
      ).toBe(200);
      const resumed = await SseClient.open(url, { ...bearer(ADMIN), 'last-event-id': id });
      try {
        const replayed = await resumed.nextEvent();
        expect(replayed.event).toBe('upsert');
        const { flag } = JSON.parse(replayed.data) as { flag: FlagJson };
        expect(flag.isEnabled).toBe(true);
        expect(Object.keys(flag.definition.environments)).toEqual(['staging']);
      } finally {
        resumed.close();
      }
    });

    it("a flagChanged subscription in staging gets staging's isEnabled and definition", async () => {
      await aFlagOnInProductionOnly('sub.a');
      const before = hub.subscriberCount;
      type Change = { flagChanged: { key: string; flag: FlagJson } };
      const subscribe = (environment: string) =>
        ws.iterate<Change>({
          query:
            'subscription ($environment: String) { flagChanged(prefix: "sub.", environment: $environment) { key flag { isEnabled definition } } }',
          variables: { environment },
        }) as AsyncIterableIterator<FormattedExecutionResult<Change, unknown>>;
      const staging = subscribe('staging');
      const production = subscribe('production');
      await new Promise<void>((resolve) => {
        if (hub.subscriberCount === before + 2) return resolve();
        const off = hub.onCountChange((count) => {
          if (count !== before + 2) return;
          off();
          resolve();
        });
      });
      try {
        expect(
          (await send('PATCH', '/feature-flags/sub.a?environment=staging', { isEnabled: true })).status,
        ).toBe(200);
        const stagingEvent = (await staging.next()).value?.data?.flagChanged;
        expect(stagingEvent?.flag.isEnabled).toBe(true);
        expect(Object.keys(stagingEvent?.flag.definition.environments ?? {})).toEqual(['staging']);
        const productionEvent = (await production.next()).value?.data?.flagChanged;
        expect(productionEvent?.flag.isEnabled).toBe(true);
        expect(Object.keys(productionEvent?.flag.definition.environments ?? {})).toEqual(['production']);
      } finally {
        await staging.return?.();
        await production.return?.();
      }
    });
  });
});

describe('environments across a restart', () => {
  it('an environment created through the API is still there after a restart on the same data', async () => {
    const first = await startTestApp();
    try {
      expect((await sendJson(first, 'POST', '/environments', { key: 'staging' })).status).toBe(201);
      expect(
        (
          await sendJson(first, 'POST', '/feature-flags?environment=staging', {
            key: 'kept',
            isEnabled: true,
          })
        ).status,
      ).toBe(201);
    } finally {
      await first.stop();
    }
    const second = await startTestApp({ DATA_DIR: first.dataDir });
    try {
      expect(await (await fetch(`${second.url}/environments`)).json()).toEqual([
        { key: 'production', description: '' },
        { key: 'staging', description: '' },
      ]);
      const staging = (await (
        await fetch(`${second.url}/feature-flags?environment=staging`)
      ).json()) as FlagJson[];
      expect(staging.map((flag) => [flag.key, flag.isEnabled])).toEqual([['kept', true]]);
    } finally {
      await second.stop();
      await first.removeDataDir();
    }
  });
});
