import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlagClient } from '@flagwire/client';
import type { Segment } from '@flagwire/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { segmentRecordKey } from '../../src/flags/flag.js';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import type { FlagStore } from '../../src/flags/store/flag-store.js';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { asCreate } from '../support/audit.js';
import { startMongo, type TestMongo } from '../support/mongo.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** The document issue 10 commits to, verbatim. */
const ISSUE_DOCUMENT = {
  key: 'checkout.new-flow',
  description: 'New checkout',
  type: 'string',
  variants: { control: 'v1', treatment: 'v2', off: 'v0' },
  environments: {
    production: {
      enabled: true,
      offVariant: 'off',
      prerequisites: [{ flag: 'checkout.enabled', variants: ['on'] }],
      targets: [{ variant: 'treatment', values: ['user-17', 'user-42'] }],
      rules: [
        {
          clauses: [
            { attribute: 'plan', op: 'in', values: ['pro', 'team'] },
            { attribute: 'country', op: 'in', values: ['FR'], negate: true },
          ],
          serve: { variant: 'treatment' },
        },
        {
          clauses: [{ op: 'segmentMatch', values: ['beta-testers'] }],
          serve: {
            rollout: {
              bucketBy: 'targetingKey',
              weights: [
                { variant: 'treatment', weight: 50 },
                { variant: 'control', weight: 50 },
              ],
            },
          },
        },
      ],
      fallthrough: {
        rollout: {
          weights: [
            { variant: 'treatment', weight: 10 },
            { variant: 'control', weight: 90 },
          ],
        },
      },
    },
  },
};

/** The document as stored and served: every default filled in, nothing else changed. */
const STORED = {
  ...ISSUE_DOCUMENT,
  tags: [],
  environments: {
    production: {
      ...ISSUE_DOCUMENT.environments.production,
      rules: ISSUE_DOCUMENT.environments.production.rules.map((rule) => ({
        ...rule,
        clauses: rule.clauses.map((clause) => ({ negate: false, ...clause })),
      })),
    },
  },
};

const BETA_TESTERS: Segment = {
  key: 'beta-testers',
  description: '',
  included: ['user-7'],
  excluded: [],
  rules: [{ clauses: [{ attribute: 'email', op: 'endsWith', values: ['@example.com'], negate: false }] }],
};

async function putSegment(store: FlagStore): Promise<void> {
  // Straight into the store: the segments API is its own feature; the snapshot loads it at start.
  const result = await store.insert(
    segmentRecordKey(BETA_TESTERS.key),
    {
      kind: 'segment',
      definition: BETA_TESTERS,
    },
    asCreate,
  );
  if (result.status !== 'ok') throw new Error(`segment insert answered ${result.status}`);
}

interface StoreKind {
  name: string;
  open(): Promise<FlagStore>;
  cleanup(): Promise<void>;
}

function fileStore(): StoreKind {
  let dir = '';
  return {
    name: 'the embedded file store',
    async open() {
      dir ||= await mkdtemp(join(tmpdir(), 'flagwire-definitions-'));
      return FileFlagStore.open(dir);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function mongoStore(): StoreKind {
  let mongo: TestMongo | undefined;
  return {
    name: 'MongoDB',
    async open() {
      mongo ??= await startMongo();
      return MongoFlagStore.open(mongo.uri);
    },
    cleanup: async () => mongo?.stop(),
  };
}

describe.each([fileStore(), mongoStore()])('flag definitions in $name', (kind) => {
  let app: App;
  const get = (path: string, init?: RequestInit) => client(app)(path, init);

  async function start(): Promise<void> {
    app = await startTestApp({}, { store: await kind.open() });
  }

  beforeAll(async () => {
    const store = await kind.open();
    await putSegment(store);
    await store.close();
    await start();
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    await kind.cleanup();
  });

  it("takes the issue's document verbatim by PUT and serves it back through REST and GraphQL", async () => {
    const prerequisite = await sendJson(app, 'POST', '/feature-flags', {
      key: 'checkout.enabled',
      isEnabled: true,
    });
    expect(prerequisite.status).toBe(201);

    const created = await sendJson(app, 'PUT', `/feature-flags/${ISSUE_DOCUMENT.key}`, ISSUE_DOCUMENT);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/feature-flags/${ISSUE_DOCUMENT.key}`);
    const body = (await created.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      key: ISSUE_DOCUMENT.key,
      isEnabled: true,
      description: 'New checkout',
      version: 1,
    });
    expect(body.definition).toEqual(STORED);

    const single = await get(`/feature-flags/${ISSUE_DOCUMENT.key}`);
    expect(((await single.json()) as { definition: unknown }).definition).toEqual(STORED);
    const list = (await (await get('/feature-flags?prefix=checkout.new')).json()) as Array<{
      definition: unknown;
    }>;
    expect(list.map((flag) => flag.definition)).toEqual([STORED]);

    const graphql = await sendJson(app, 'POST', '/graphql', {
      query: 'query($key: String!) { flag(key: $key) { key version definition } }',
      variables: { key: ISSUE_DOCUMENT.key },
    });
    expect(await graphql.json()).toEqual({
      data: { flag: { key: ISSUE_DOCUMENT.key, version: 1, definition: STORED } },
    });
  });

  it('replaces a definition only at the version If-Match names, and a stale one changes nothing', async () => {
    const changed = { ...ISSUE_DOCUMENT, description: 'New checkout, v2' };
    const stale = await sendJson(app, 'PUT', `/feature-flags/${ISSUE_DOCUMENT.key}`, changed, {
      'If-Match': '"7"',
    });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ error: { code: 'VERSION_MISMATCH' } });

    const replaced = await sendJson(app, 'PUT', `/feature-flags/${ISSUE_DOCUMENT.key}`, changed, {
      'If-Match': '"1"',
    });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ version: 2, description: 'New checkout, v2' });

    const mustExist = await sendJson(
      app,
      'PUT',
      '/feature-flags/not.there',
      { ...ISSUE_DOCUMENT, key: 'not.there' },
      {
        'If-Match': '*',
      },
    );
    expect(mustExist.status).toBe(404);
    expect((await get('/feature-flags/not.there')).status).toBe(404);
  });

  it('refuses a definition that cannot be evaluated with 400 naming the path, and stores nothing', async () => {
    const before = await (await get('/feature-flags')).text();
    const broken = {
      ...ISSUE_DOCUMENT,
      environments: {
        production: { ...ISSUE_DOCUMENT.environments.production, fallthrough: { variant: 'purple' } },
      },
    };
    const res = await sendJson(app, 'PUT', `/feature-flags/${ISSUE_DOCUMENT.key}`, broken);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('environments.production.fallthrough.variant'),
        details: { field: 'environments.production.fallthrough.variant' },
      },
    });
    expect(await (await get('/feature-flags')).text()).toBe(before);
  });

  it('keeps definitions across a restart on the same store', async () => {
    const before = await (await get(`/feature-flags/${ISSUE_DOCUMENT.key}`)).json();
    await app.stop();
    await start();
    expect(await (await get(`/feature-flags/${ISSUE_DOCUMENT.key}`)).json()).toEqual(before);
  }, 60_000);

  it('serves a client that evaluates the stored definition locally', async () => {
    const flags = createFlagClient({ url: app.url, mode: 'poll' });
    try {
      await flags.ready();
      const evaluate = (context: Record<string, string>) =>
        flags.getStringDetails(ISSUE_DOCUMENT.key, 'default', context);
      expect(evaluate({ targetingKey: 'user-42' })).toMatchObject({ value: 'v2', reason: 'TARGETING_MATCH' });
      expect(evaluate({ targetingKey: 'u1', plan: 'pro', country: 'DE' })).toMatchObject({ value: 'v2' });
      expect(evaluate({ targetingKey: 'u1', plan: 'pro', country: 'FR' })).toMatchObject({ reason: 'SPLIT' });
    } finally {
      await flags.close();
    }
  });
});

describe('data written before definitions', () => {
  it('loads a flags.json of the previous format as boolean flags, and writes over it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flagwire-legacy-'));
    await copyFile(
      new URL('../fixtures/flags-before-definitions.json', import.meta.url),
      join(dir, 'flags.json'),
    );
    const app = await startTestApp({ DATA_DIR: dir });
    try {
      const list = (await (await client(app)('/feature-flags')).json()) as Array<Record<string, unknown>>;
      expect(list).toMatchObject([
        { key: 'beta.checkout', isEnabled: true, description: 'New checkout flow', version: 2, revision: 3 },
        { key: 'dark-mode', isEnabled: false, description: '', version: 1, revision: 2 },
      ]);
      expect(list[0]?.definition).toMatchObject({
        type: 'boolean',
        variants: { on: true, off: false },
        environments: { production: { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' } } },
      });
      const toggled = await sendJson(app, 'PATCH', '/feature-flags/dark-mode', { isEnabled: true });
      expect(await toggled.json()).toMatchObject({ isEnabled: true, version: 2, revision: 4 });
      const file = JSON.parse(await readFile(join(dir, 'flags.json'), 'utf8')) as { flags: unknown[] };
      expect(file.flags[1]).toMatchObject({
        key: 'dark-mode',
        kind: 'flag',
        definition: { type: 'boolean' },
      });
    } finally {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads MongoDB documents of the previous format as boolean flags, and writes over them', async () => {
    const mongo = await startMongo();
    const connection = await mongoose.createConnection(mongo.uri).asPromise();
    try {
      const at = new Date('2026-11-20T10:00:00.000Z');
      await connection.collection('flags').insertOne({
        _id: 'beta.checkout',
        isEnabled: true,
        description: 'New checkout flow',
        version: 1,
        revision: 1,
        createdAt: at,
        updatedAt: at,
      } as never);
      await connection.collection('counters').insertOne({ _id: 'revision', value: 1 } as never);
      const app = await startTestApp({}, { store: await MongoFlagStore.open(mongo.uri) });
      try {
        const list = (await (await client(app)('/feature-flags')).json()) as Array<Record<string, unknown>>;
        expect(list).toMatchObject([
          { key: 'beta.checkout', isEnabled: true, description: 'New checkout flow' },
        ]);
        expect(list[0]?.definition).toMatchObject({ type: 'boolean', variants: { on: true, off: false } });
        const patched = await sendJson(app, 'PATCH', '/feature-flags/beta.checkout', {
          description: 'renamed',
        });
        expect(await patched.json()).toMatchObject({ isEnabled: true, description: 'renamed', version: 2 });
        const raw = await connection.collection('flags').findOne({ _id: 'beta.checkout' } as never);
        expect(raw).not.toHaveProperty('isEnabled');
        expect(JSON.parse(String(raw?.definition))).toMatchObject({ description: 'renamed' });
      } finally {
        await app.stop();
      }
    } finally {
      await connection.close();
      await mongo.stop();
    }
  }, 60_000);
});
