import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { client, sendJson, startTestApp } from '../support/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface GraphQLError {
  message: string;
  extensions?: Record<string, unknown>;
}

interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLError[];
}

interface FlagView {
  key: string;
  isEnabled: boolean;
  description: string;
  version: number;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

const FLAG_FIELDS = 'key isEnabled description version revision createdAt updatedAt definition';
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

async function graphql<T>(
  app: TestApp,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const res = await sendJson(app, 'POST', '/graphql', { query, variables });
  const body = (await res.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: res.status, ...body };
}

function codeOf(response: GraphQLResponse<unknown>): unknown {
  expect(response.errors).toHaveLength(1);
  return response.errors?.[0]?.extensions?.code;
}

const CREATE = `mutation Create($input: CreateFlagInput!) { createFlag(input: $input) { ${FLAG_FIELDS} } }`;
const GET = `query Get($key: String!) { flag(key: $key) { ${FLAG_FIELDS} } }`;
const LIST = `query List($prefix: String) { flags(prefix: $prefix) { key } }`;
const TOGGLE = `mutation Toggle($key: String!, $expectedVersion: Int) {
  toggleFlag(key: $key, expectedVersion: $expectedVersion) { ${FLAG_FIELDS} }
}`;
const UPDATE = `mutation Update($key: String!, $patch: FlagPatch!, $expectedVersion: Int) {
  updateFlag(key: $key, patch: $patch, expectedVersion: $expectedVersion) { ${FLAG_FIELDS} }
}`;
const DELETE = `mutation Delete($key: String!, $expectedVersion: Int) {
  deleteFlag(key: $key, expectedVersion: $expectedVersion) { key version revision }
}`;
const SET = `mutation Set($input: SetFlagInput!) { setFlag(input: $input) { created flag { ${FLAG_FIELDS} } } }`;

describe('GraphQL API', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  async function create(
    key: string,
    fields: { isEnabled?: boolean; description?: string } = {},
  ): Promise<FlagView> {
    const res = await graphql<{ createFlag: FlagView }>(app, CREATE, { input: { key, ...fields } });
    expect(res.errors).toBeUndefined();
    return res.data?.createFlag as FlagView;
  }

  async function get(key: string): Promise<FlagView | null | undefined> {
    const res = await graphql<{ flag: FlagView | null }>(app, GET, { key });
    expect(res.errors).toBeUndefined();
    return res.data?.flag;
  }

  describe('queries', () => {
    it('flags(prefix) lists only the flags under the prefix, sorted by key', async () => {
      for (const key of ['list.b', 'list.a', 'listing', 'other.x', 'list.c']) await create(key);

      const under = await graphql<{ flags: { key: string }[] }>(app, LIST, { prefix: 'list.' });
      expect(under.errors).toBeUndefined();
      expect(under.data?.flags.map((f) => f.key)).toEqual(['list.a', 'list.b', 'list.c']);

      const all = await graphql<{ flags: { key: string }[] }>(app, '{ flags { key } }');
      const keys = all.data?.flags.map((f) => f.key) ?? [];
      expect(keys).toEqual(expect.arrayContaining(['list.a', 'listing', 'other.x']));
      expect(keys).toEqual([...keys].sort());
    });

    it('flags(prefix) with a malformed prefix is VALIDATION_FAILED', async () => {
      const res = await graphql(app, LIST, { prefix: '.bad' });
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
    });

    it('flag(key) returns every field, timestamps as ISO-8601 strings', async () => {
      const created = await create('get.hit', { isEnabled: true, description: 'shown' });
      const flag = await get('get.hit');
      expect(flag).toEqual(created);
      expect(flag).toMatchObject({ key: 'get.hit', isEnabled: true, description: 'shown', version: 1 });
      expect(flag?.revision).toEqual(expect.any(Number));
      expect(flag?.createdAt).toMatch(ISO_8601);
      expect(flag?.updatedAt).toMatch(ISO_8601);
    });

    it('flag(key) is null, without an error, when the flag does not exist', async () => {
      expect(await get('get.missing')).toBeNull();
    });

    it('flag(key) with a malformed key is VALIDATION_FAILED', async () => {
      const res = await graphql(app, GET, { key: 'bad key!' });
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
      expect(res.errors?.[0]?.extensions).toMatchObject({ field: 'key' });
    });
  });

  describe('createFlag', () => {
    it('creates a flag at version 1 with defaults for the fields left out', async () => {
      const flag = await create('create.defaults');
      expect(flag).toMatchObject({ key: 'create.defaults', isEnabled: false, description: '', version: 1 });
      expect(await get('create.defaults')).toEqual(flag);
    });

    it('refuses a taken key with FLAG_ALREADY_EXISTS and leaves the flag as it was', async () => {
      const original = await create('create.dup', { description: 'first' });
      const res = await graphql(app, CREATE, { input: { key: 'create.dup', isEnabled: true } });
      expect(codeOf(res)).toBe('FLAG_ALREADY_EXISTS');
      expect(res.errors?.[0]?.extensions).toMatchObject({ key: 'create.dup' });
      expect(await get('create.dup')).toEqual(original);
    });

    it('refuses an invalid key with VALIDATION_FAILED and stores nothing', async () => {
      const res = await graphql(app, CREATE, { input: { key: 'create bad' } });
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
      const rest = await client(app)('/feature-flags?prefix=create');
      const keys = ((await rest.json()) as FlagView[]).map((f) => f.key);
      expect(keys).not.toContain('create bad');
    });

    it('refuses a null field with VALIDATION_FAILED and stores nothing', async () => {
      const res = await graphql(app, CREATE, { input: { key: 'create.null', isEnabled: null } });
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
      expect(await get('create.null')).toBeNull();
    });

    it('refuses a variable of the wrong type with VALIDATION_FAILED and stores nothing', async () => {
      const res = await graphql(app, CREATE, { input: { key: 'create.wrong-type', isEnabled: 'yes' } });
      expect(res.status).toBe(400);
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
      expect(await get('create.wrong-type')).toBeNull();
    });
  });

  describe('updateFlag', () => {
    it('changes only the fields given and bumps the version', async () => {
      const before = await create('update.some', { isEnabled: true, description: 'old' });
      const res = await graphql<{ updateFlag: FlagView }>(app, UPDATE, {
        key: 'update.some',
        patch: { description: 'new' },
      });
      expect(res.errors).toBeUndefined();
      expect(res.data?.updateFlag).toMatchObject({ isEnabled: true, description: 'new', version: 2 });
      expect(res.data?.updateFlag.revision).toBeGreaterThan(before.revision);
      expect(await get('update.some')).toEqual(res.data?.updateFlag);
    });

    it('with a stale expectedVersion is VERSION_MISMATCH and changes nothing', async () => {
      await create('update.stale');
      await graphql(app, TOGGLE, { key: 'update.stale' });
      const current = await get('update.stale');
      const res = await graphql(app, UPDATE, {
        key: 'update.stale',
        patch: { description: 'lost' },
        expectedVersion: 1,
      });
      expect(codeOf(res)).toBe('VERSION_MISMATCH');
      expect(res.errors?.[0]?.extensions).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
      expect(await get('update.stale')).toEqual(current);
    });

    it('with an empty patch is VALIDATION_FAILED and changes nothing', async () => {
      const before = await create('update.empty');
      const res = await graphql(app, UPDATE, { key: 'update.empty', patch: {} });
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
      expect(await get('update.empty')).toEqual(before);
    });

    it('of a missing flag is FLAG_NOT_FOUND', async () => {
      const res = await graphql(app, UPDATE, { key: 'update.missing', patch: { isEnabled: true } });
      expect(codeOf(res)).toBe('FLAG_NOT_FOUND');
      expect(res.data).toBeNull();
    });
  });

  describe('toggleFlag', () => {
    it('with the current expectedVersion flips isEnabled', async () => {
      const before = await create('toggle.ok');
      const res = await graphql<{ toggleFlag: FlagView }>(app, TOGGLE, {
        key: 'toggle.ok',
        expectedVersion: 1,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data?.toggleFlag).toMatchObject({ isEnabled: !before.isEnabled, version: 2 });
      expect(await get('toggle.ok')).toEqual(res.data?.toggleFlag);
    });

    it('with a stale expectedVersion is VERSION_MISMATCH and leaves the flag unchanged', async () => {
      await create('toggle.stale');
      await graphql(app, TOGGLE, { key: 'toggle.stale', expectedVersion: 1 });
      const current = await get('toggle.stale');
      const res = await graphql(app, TOGGLE, { key: 'toggle.stale', expectedVersion: 1 });
      expect(codeOf(res)).toBe('VERSION_MISMATCH');
      expect(res.data).toBeNull();
      expect(await get('toggle.stale')).toEqual(current);
    });

    it('without expectedVersion flips whatever is current', async () => {
      await create('toggle.free', { isEnabled: true });
      const res = await graphql<{ toggleFlag: FlagView }>(app, TOGGLE, { key: 'toggle.free' });
      expect(res.data?.toggleFlag).toMatchObject({ isEnabled: false, version: 2 });
    });

    it('of a missing flag is FLAG_NOT_FOUND', async () => {
      const res = await graphql(app, TOGGLE, { key: 'toggle.missing' });
      expect(codeOf(res)).toBe('FLAG_NOT_FOUND');
      expect(res.errors?.[0]?.extensions).toMatchObject({ key: 'toggle.missing' });
    });

    it('with a non-integer expectedVersion variable is VALIDATION_FAILED', async () => {
      await create('toggle.bad-version');
      const res = await graphql(app, TOGGLE, { key: 'toggle.bad-version', expectedVersion: 'one' });
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
      expect((await get('toggle.bad-version'))?.version).toBe(1);
    });
  });

  describe('setFlag', () => {
    it('creates a missing flag, then updates only the fields given', async () => {
      const first = await graphql<{ setFlag: { created: boolean; flag: FlagView } }>(app, SET, {
        input: { key: 'set.upsert', description: 'kept' },
      });
      expect(first.errors).toBeUndefined();
      expect(first.data?.setFlag).toMatchObject({ created: true, flag: { isEnabled: false, version: 1 } });

      const second = await graphql<{ setFlag: { created: boolean; flag: FlagView } }>(app, SET, {
        input: { key: 'set.upsert', isEnabled: true },
      });
      expect(second.data?.setFlag).toMatchObject({
        created: false,
        flag: { isEnabled: true, description: 'kept', version: 2 },
      });
    });
  });

  describe('deleteFlag', () => {
    it('deletes the flag and answers its key, last version and revision', async () => {
      const flag = await create('delete.ok');
      const res = await graphql<{ deleteFlag: { key: string; version: number; revision: number } }>(
        app,
        DELETE,
        {
          key: 'delete.ok',
          expectedVersion: 1,
        },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.deleteFlag).toMatchObject({ key: 'delete.ok', version: 1 });
      expect(res.data?.deleteFlag.revision).toBeGreaterThan(flag.revision);
      expect(await get('delete.ok')).toBeNull();
    });

    it('with a stale expectedVersion is VERSION_MISMATCH and keeps the flag', async () => {
      await create('delete.stale');
      await graphql(app, TOGGLE, { key: 'delete.stale' });
      const res = await graphql(app, DELETE, { key: 'delete.stale', expectedVersion: 1 });
      expect(codeOf(res)).toBe('VERSION_MISMATCH');
      expect(await get('delete.stale')).toMatchObject({ version: 2 });
    });

    it('of a missing flag is FLAG_NOT_FOUND', async () => {
      const res = await graphql(app, DELETE, { key: 'delete.missing' });
      expect(codeOf(res)).toBe('FLAG_NOT_FOUND');
    });
  });

  describe('shared with REST', () => {
    it('a REST write is visible to a GraphQL read', async () => {
      const res = await sendJson(app, 'POST', '/feature-flags', { key: 'shared.rest', isEnabled: true });
      expect(res.status).toBe(201);
      const rest = (await res.json()) as FlagView;
      expect(await get('shared.rest')).toEqual(rest);
    });

    it('a GraphQL write is visible to GET /feature-flags', async () => {
      const flag = await create('shared.graphql', { description: 'from graphql' });
      const res = await client(app)('/feature-flags?prefix=shared.graphql');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual([flag]);
    });

    it('a GraphQL delete is visible to REST', async () => {
      await create('shared.deleted');
      await graphql(app, DELETE, { key: 'shared.deleted' });
      expect((await client(app)('/feature-flags/shared.deleted')).status).toBe(404);
    });
  });

  describe('malformed operations', () => {
    it('a syntax error keeps GRAPHQL_PARSE_FAILED', async () => {
      const res = await graphql(app, '{ flags { key }');
      expect(res.status).toBe(400);
      expect(codeOf(res)).toBe('GRAPHQL_PARSE_FAILED');
    });

    it('an unknown field keeps GRAPHQL_VALIDATION_FAILED', async () => {
      const res = await graphql(app, '{ flags { nope } }');
      expect(res.status).toBe(400);
      expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });
});

describe('GraphQL API on a failing store', () => {
  const SECRET = 'connect ECONNREFUSED mongo-secret-host:27017';

  class BrokenStore extends MemoryFlagStore {
    override async insert(): Promise<never> {
      throw new Error(SECRET);
    }
  }

  let app: TestApp;
  const logged: string[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
    app = await startTestApp({}, { store: new BrokenStore(), logger });
  });

  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('an unexpected error is INTERNAL with a generic message, never the driver text, and is logged', async () => {
    const res = await graphql(app, CREATE, { input: { key: 'broken.store' } });
    expect(codeOf(res)).toBe('INTERNAL');
    expect(res.errors?.[0]?.message).toBe('Internal server error');
    expect(JSON.stringify(res)).not.toContain('mongo-secret-host');
    expect(logged.join('\n')).toContain('mongo-secret-host');
  });
});
