import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntryView } from '../../src/audit/audit-view.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { EVERY_STORE } from '../support/store-kinds.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
interface Page {
  entries: AuditEntryView[];
  nextCursor: string | null;
  truncated: boolean;
}

const ALICE = 'alice-secret-token-0001';
const BOB = 'bob-secret-token-000002';
const READER = 'reader-secret-token-003';
const as = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  ...extra,
});
const ENV = {
  ADMIN_TOKENS: `alice ${ALICE}, ${BOB}`,
  CLIENT_TOKENS: `dashboard@production ${READER}`,
  WRITE_RATE_BURST: '1000',
};

const booleanFlag = (key: string, production: boolean) => ({
  key,
  type: 'boolean',
  variants: { on: true, off: false },
  environments: {
    production: { enabled: production, offVariant: 'off', fallthrough: { variant: 'on' } },
    staging: { enabled: false, offVariant: 'off', fallthrough: { variant: 'on' } },
  },
});

describe.each(EVERY_STORE())('GET /audit over $name', (kind) => {
  let app: TestApp;
  const get = (path: string, headers: Record<string, string> = as(ALICE)) => client(app)(path, { headers });
  const page = async (path: string) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };
  const send = (token: string, method: string, path: string, body: unknown, comment?: string) =>
    sendJson(
      app,
      method,
      path,
      body,
      as(token, comment === undefined ? {} : { 'flagwire-comment': comment }),
    );
  const remove = (token: string, path: string, comment?: string) =>
    client(app)(path, {
      method: 'DELETE',
      headers: as(token, comment ? { 'flagwire-comment': comment } : {}),
    });

  beforeAll(async () => {
    const { env, overrides } = await kind.setup();
    app = await startTestApp({ ...ENV, ...env }, overrides);
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    await kind.stop();
  });

  it('records every REST write with its actor, comment, action and environments, newest first', async () => {
    const writes: Array<[() => Promise<Response>, number]> = [
      [() => send(ALICE, 'POST', '/environments', { key: 'staging' }, 'for QA'), 201],
      [() => send(ALICE, 'POST', '/feature-flags', { key: 'rest.a', isEnabled: true }, 'first%20cut'), 201],
      [
        () => send(BOB, 'POST', '/feature-flags?environment=staging', { key: 'rest.a', isEnabled: true }),
        200,
      ],
      [() => send(ALICE, 'PATCH', '/feature-flags/rest.a', { description: 'described' }), 200],
      [
        () => send(ALICE, 'PUT', '/feature-flags/rest.b', booleanFlag('rest.b', false), 'new%20%E2%9C%93'),
        201,
      ],
      [() => send(BOB, 'PUT', '/feature-flags/rest.b', booleanFlag('rest.b', true)), 200],
      [() => send(ALICE, 'POST', '/segments', { key: 'beta', included: ['u1'] }), 201],
      [() => send(ALICE, 'PUT', '/segments/beta', { included: ['u1', 'u2'] }), 200],
      [() => remove(BOB, '/segments/beta', 'unused'), 204],
      [() => remove(ALICE, '/feature-flags/rest.a'), 204],
    ];
    // One after the other: the history's order is the order of the writes.
    for (const [write, status] of writes) expect((await write()).status).toBe(status);

    const { entries } = await page('/audit?limit=10');
    const bob = expect.stringMatching(/^admin-[0-9a-f]{8}$/);
    expect(
      entries.map(({ action, actor, entity, key, environments, comment }) => ({
        action,
        actor,
        entity,
        key,
        environments,
        comment,
      })),
    ).toEqual(
      [
        {
          action: 'environment-create',
          actor: 'alice',
          entity: 'environment',
          key: 'staging',
          environments: ['staging'],
          comment: 'for QA',
        },
        {
          action: 'create',
          actor: 'alice',
          entity: 'flag',
          key: 'rest.a',
          environments: ['production'],
          comment: 'first cut',
        },
        {
          action: 'update',
          actor: bob,
          entity: 'flag',
          key: 'rest.a',
          environments: ['staging'],
          comment: null,
        },
        {
          action: 'update',
          actor: 'alice',
          entity: 'flag',
          key: 'rest.a',
          environments: ['production'],
          comment: null,
        },
        {
          action: 'create',
          actor: 'alice',
          entity: 'flag',
          key: 'rest.b',
          environments: ['production', 'staging'],
          comment: 'new ✓',
        },
        {
          action: 'replace',
          actor: bob,
          entity: 'flag',
          key: 'rest.b',
          environments: ['production'],
          comment: null,
        },
        {
          action: 'segment-create',
          actor: 'alice',
          entity: 'segment',
          key: 'beta',
          environments: [],
          comment: null,
        },
        {
          action: 'segment-replace',
          actor: 'alice',
          entity: 'segment',
          key: 'beta',
          environments: [],
          comment: null,
        },
        {
          action: 'segment-delete',
          actor: bob,
          entity: 'segment',
          key: 'beta',
          environments: [],
          comment: 'unused',
        },
        {
          action: 'delete',
          actor: 'alice',
          entity: 'flag',
          key: 'rest.a',
          environments: ['production', 'staging'],
          comment: null,
        },
      ].reverse(),
    );
    // The PUT that enabled rest.b in production, as a readable diff with its stable id.
    const replaced = entries.find((entry) => entry.action === 'replace');
    expect(replaced?.id).toBe(String(replaced?.revision));
    expect(replaced?.diff).toEqual([
      { op: 'replace', path: '/environments/production/enabled', before: false, after: true },
    ]);
    expect(replaced?.before?.version).toBe(1);
    expect(replaced?.after?.version).toBe(2);
  });

  it('filters by flag, segment, environment, actor, action and since/until (revision or ISO time)', async () => {
    const all = (await page('/audit?limit=500')).entries;
    const keys = (list: AuditEntryView[]) => list.map((entry) => `${entry.action}:${entry.key}`);
    expect(keys((await page('/audit?flag=rest.b')).entries)).toEqual(['replace:rest.b', 'create:rest.b']);
    expect(keys((await page('/audit?segment=beta&action=segment-create,segment-delete')).entries)).toEqual([
      'segment-delete:beta',
      'segment-create:beta',
    ]);
    expect(keys((await page('/audit?environment=staging&actor=alice')).entries)).toEqual([
      'delete:rest.a',
      'create:rest.b',
      'environment-create:staging',
    ]);
    const oldest = all.at(-1) as AuditEntryView;
    const second = all.at(-2) as AuditEntryView;
    expect((await page(`/audit?since=${second.revision}&until=${second.revision}`)).entries).toEqual([
      second,
    ]);
    expect(keys((await page(`/audit?until=${encodeURIComponent(oldest.at)}`)).entries)).toContain(
      'environment-create:staging',
    );
    expect((await page('/audit?since=2999-01-01')).entries).toEqual([]);
  });

  it('pages with an opaque cursor, and refuses one issued for other filters', async () => {
    const all = (await page('/audit?limit=500')).entries.map((entry) => entry.revision);
    const seen: number[] = [];
    let next: string | null = null;
    do {
      const current: Page = await page(`/audit?limit=3${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      seen.push(...current.entries.map((entry) => entry.revision));
      next = current.nextCursor;
    } while (next);
    expect(seen).toEqual(all);
    const first = await page('/audit?limit=1&actor=alice');
    const res = await get(`/audit?limit=1&actor=bob&cursor=${first.nextCursor}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: { field: 'cursor' } },
    });
  });

  it('exports the whole history as NDJSON, by ?format=ndjson or by Accept', async () => {
    const all = (await page('/audit?limit=500')).entries;
    for (const init of [
      { path: '/audit?format=ndjson', headers: as(ALICE) },
      { path: '/audit', headers: as(ALICE, { accept: 'application/x-ndjson' }) },
    ]) {
      const res = await client(app)(init.path, { headers: init.headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const lines = (await res.text())
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as AuditEntryView);
      expect(lines).toEqual(all);
    }
  });

  it('is for admin tokens: a client token gets 403, no token 401', async () => {
    expect((await get('/audit', as(READER))).status).toBe(403);
    expect((await get('/audit?format=ndjson', as(READER))).status).toBe(403);
    expect((await get('/audit', {})).status).toBe(401);
  });

  it.each([
    ['an unknown parameter', '/audit?flags=x', 'flags'],
    ['a time without its offset', '/audit?since=2025-01-01T10:00', 'since'],
    ['an unknown action', '/audit?action=toggle,explode', 'action'],
    ['a limit past 500', '/audit?limit=501', 'limit'],
    ['a flag and a segment at once', '/audit?flag=a&segment=b', 'segment'],
    ['a cursor with an export', '/audit?format=ndjson&cursor=abc', 'cursor'],
  ])('refuses %s with 400 naming the parameter', async (_what, path, field) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: { field } } });
  });

  it('refuses a write whose comment header is not percent-encoded UTF-8, and records nothing', async () => {
    const before = (await page('/audit?limit=1')).entries[0]?.revision;
    const res = await send(ALICE, 'POST', '/feature-flags', { key: 'rest.c' }, '100% sure');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: { field: 'comment' } },
    });
    expect((await page('/audit?limit=1')).entries[0]?.revision).toBe(before);
    expect((await get('/feature-flags/rest.c')).status).toBe(404);
  });
});
