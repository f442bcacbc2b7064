import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntryView } from '../../src/audit/audit-view.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { graphql } from '../support/graphql-client.js';
import { EVERY_STORE } from '../support/store-kinds.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ADMIN = 'admin-secret-token-0001';
const READER = 'reader-secret-token-002';
const ENV = { ADMIN_TOKENS: `release-bot ${ADMIN}`, CLIENT_TOKENS: READER, WRITE_RATE_BURST: '1000' };
const as = (token: string, comment?: string) => ({
  authorization: `Bearer ${token}`,
  ...(comment === undefined ? {} : { 'flagwire-comment': comment }),
});

interface PromotedFlag {
  key: string;
  status: string;
  version: number;
  revision: number | null;
  diff: Array<{ op: string; path: string; before?: unknown; after?: unknown }>;
}
interface Promotion {
  from: string;
  to: string;
  dryRun: boolean;
  flags: PromotedFlag[];
}

const config = (enabled: boolean, variant = 'on', rules: unknown[] = []) => ({
  enabled,
  offVariant: 'off',
  rules,
  fallthrough: { variant },
});
const flag = (key: string, environments: Record<string, unknown>) => ({
  key,
  type: 'boolean',
  variants: { on: true, off: false },
  environments,
});
const BETA_RULE = {
  id: 'beta',
  clauses: [{ attribute: 'plan', op: 'in', values: ['beta'] }],
  serve: { variant: 'on' },
};

describe.each(EVERY_STORE())('promotion between environments over $name', (kind) => {
  let app: TestApp;
  const promote = (to: string, body: unknown, token = ADMIN, comment?: string) =>
    sendJson(app, 'POST', `/environments/${to}/promotions`, body, as(token, comment));
  const put = async (key: string, environments: Record<string, unknown>) =>
    expect(
      (await sendJson(app, 'PUT', `/feature-flags/${key}`, flag(key, environments), as(ADMIN))).status,
    ).toBeLessThan(300);
  const read = async (key: string) =>
    (await (await client(app)(`/feature-flags/${key}`, { headers: as(ADMIN) })).json()) as {
      version: number;
      definition: { environments: Record<string, unknown> };
    };
  const entries = async (query = '') =>
    (
      (await (await client(app)(`/audit?limit=500${query}`, { headers: as(ADMIN) })).json()) as {
        entries: AuditEntryView[];
      }
    ).entries;

  beforeAll(async () => {
    const { env, overrides } = await kind.setup();
    app = await startTestApp({ ...ENV, ...env }, overrides);
    for (const key of ['staging', 'qa'])
      expect((await sendJson(app, 'POST', '/environments', { key }, as(ADMIN))).status).toBe(201);
    await put('checkout.a', { production: config(false), staging: config(true, 'on', [BETA_RULE]) });
    await put('checkout.b', { production: config(true), staging: config(true) });
    await put('checkout.c', { production: config(false) });
    await put('search.d', { staging: config(true, 'off') });
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    await kind.stop();
  });

  it('previews a dry run as per-flag diffs and versions, and writes nothing', async () => {
    const before = await entries();
    const res = await promote('production', { from: 'staging', prefix: 'checkout.', dryRun: true });
    expect(res.status).toBe(200);
    const preview = (await res.json()) as Promotion;
    expect(preview).toEqual({
      from: 'staging',
      to: 'production',
      dryRun: true,
      flags: [
        {
          key: 'checkout.a',
          status: 'changed',
          version: 1,
          revision: null,
          diff: [
            { op: 'replace', path: '/environments/production/enabled', before: false, after: true },
            {
              op: 'add',
              path: '/environments/production/rules/0',
              after: expect.objectContaining({ id: 'beta' }),
            },
          ],
        },
        { key: 'checkout.b', status: 'unchanged', version: 1, revision: null, diff: [] },
        { key: 'checkout.c', status: 'notInSource', version: 1, revision: null, diff: [] },
      ],
    });
    expect(await entries()).toEqual(before);
    expect((await read('checkout.a')).version).toBe(1);
  });

  it('applies what was previewed: one promote entry per changed flag, attributed, and nothing for the rest', async () => {
    const preview = (await (
      await promote('production', { from: 'staging', prefix: 'checkout.', dryRun: true })
    ).json()) as Promotion;
    const expectedVersions = Object.fromEntries(preview.flags.map((f) => [f.key, f.version]));
    const res = await promote(
      'production',
      { from: 'staging', prefix: 'checkout.', expectedVersions },
      ADMIN,
      'ship%20beta',
    );
    expect(res.status).toBe(200);
    const applied = (await res.json()) as Promotion;
    const a = applied.flags.find((f) => f.key === 'checkout.a') as PromotedFlag;
    expect(a).toMatchObject({ status: 'changed', version: 2, diff: preview.flags[0]?.diff });
    expect(applied.flags.map((f) => [f.key, f.status, f.revision === null])).toEqual([
      ['checkout.a', 'changed', false],
      ['checkout.b', 'unchanged', true],
      ['checkout.c', 'notInSource', true],
    ]);
    const stored = await read('checkout.a');
    expect(stored.definition.environments.production).toEqual(stored.definition.environments.staging);
    const promoted = await entries('&action=promote');
    expect(promoted).toHaveLength(1);
    expect(promoted[0]).toMatchObject({
      revision: a.revision,
      action: 'promote',
      actor: 'release-bot',
      entity: 'flag',
      key: 'checkout.a',
      environments: ['production'],
      from: 'staging',
      comment: 'ship beta',
      before: { version: 1 },
      after: { version: 2 },
      diff: preview.flags[0]?.diff,
    });
    // Again: everything is unchanged now, and nothing more is recorded.
    const again = (await (
      await promote('production', {
        from: 'staging',
        prefix: 'checkout.',
        expectedVersions: { 'checkout.a': 2, 'checkout.b': 1, 'checkout.c': 1 },
      })
    ).json()) as Promotion;
    expect(again.flags.map((f) => f.status)).toEqual(['unchanged', 'unchanged', 'notInSource']);
    expect(await entries('&action=promote')).toHaveLength(1);
  });

  it('refuses to apply when a flag changed since the preview, naming it, and writes nothing', async () => {
    await put('conflict.x', { staging: config(true), qa: config(false) });
    await put('conflict.y', { staging: config(true), qa: config(false) });
    const preview = (await (
      await promote('qa', { from: 'staging', flags: ['conflict.y', 'conflict.x'], dryRun: true })
    ).json()) as Promotion;
    expect(preview.flags.map((f) => [f.key, f.status])).toEqual([
      ['conflict.x', 'changed'],
      ['conflict.y', 'changed'],
    ]);
    // Someone changes y after the preview (its description: the promotion would still change it).
    const toggled = await sendJson(
      app,
      'PATCH',
      '/feature-flags/conflict.y',
      { description: 'edited meanwhile' },
      as(ADMIN),
    );
    expect(toggled.status).toBe(200);
    const before = await entries();
    const res = await promote('qa', {
      from: 'staging',
      flags: ['conflict.x', 'conflict.y'],
      expectedVersions: Object.fromEntries(preview.flags.map((f) => [f.key, f.version])),
    });
    expect(res.status).toBe(412);
    expect(await res.json()).toMatchObject({
      error: {
        code: 'VERSION_MISMATCH',
        details: { key: 'conflict.y', expectedVersion: 1, currentVersion: 2, promoted: [] },
      },
    });
    expect(await entries()).toEqual(before);
    expect((await read('conflict.x')).version).toBe(1);
    // Applying needs the preview's versions at all.
    const blind = await promote('qa', { from: 'staging', flags: ['conflict.x'] });
    expect(blind.status).toBe(400);
    expect(await blind.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: { field: 'expectedVersions' } },
    });
    // A flag that would change but is not in expectedVersions (it appeared since the preview) is a mismatch.
    const unseen = await promote('qa', {
      from: 'staging',
      prefix: 'conflict.',
      expectedVersions: { 'conflict.x': 1 },
    });
    expect(unseen.status).toBe(412);
    expect(await unseen.json()).toMatchObject({
      error: { code: 'VERSION_MISMATCH', details: { key: 'conflict.y' } },
    });
  });

  it('refuses unknown environments and flags, bad selections, and readers', async () => {
    const cases: Array<[string, unknown, number, string, string?]> = [
      ['nowhere', { from: 'staging', flags: ['checkout.a'], dryRun: true }, 404, 'ENVIRONMENT_NOT_FOUND'],
      ['production', { from: 'nowhere', flags: ['checkout.a'], dryRun: true }, 404, 'ENVIRONMENT_NOT_FOUND'],
      ['production', { from: 'staging', flags: ['missing'], dryRun: true }, 404, 'FLAG_NOT_FOUND'],
      ['production', { from: 'production', flags: ['checkout.a'], dryRun: true }, 400, 'VALIDATION_FAILED'],
      ['production', { from: 'staging', dryRun: true }, 400, 'VALIDATION_FAILED'],
      [
        'production',
        { from: 'staging', flags: ['checkout.a'], prefix: 'checkout.', dryRun: true },
        400,
        'VALIDATION_FAILED',
      ],
      ['production', { from: 'staging', flags: [], dryRun: true }, 400, 'VALIDATION_FAILED'],
      ['production', { from: 'staging', flags: ['a', 'a'], dryRun: true }, 400, 'VALIDATION_FAILED'],
      [
        'production',
        { from: 'staging', flags: ['checkout.a'], dryRun: true, extra: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      ['production', { from: 'staging', flags: ['checkout.a'], dryRun: true }, 403, 'FORBIDDEN', READER],
    ];
    for (const [to, body, status, code, token] of cases) {
      const res = await promote(to, body, token ?? ADMIN);
      expect({
        body,
        status: res.status,
        code: ((await res.json()) as { error: { code: string } }).error.code,
      }).toEqual({
        body,
        status,
        code,
      });
    }
  });

  it('promotes over GraphQL: a preview, then an apply guarded by its versions, recorded per flag', async () => {
    await put('gql.a', { staging: config(true, 'on', [BETA_RULE]) });
    const mutation = `mutation ($dryRun: Boolean, $versions: [ExpectedVersion!]) {
      promote(from: "staging", to: "production", prefix: "gql.", dryRun: $dryRun, expectedVersions: $versions, comment: "via graphql") {
        from to dryRun
        flags { key status version revision diff { op path } flag { id isEnabled version } }
      }
    }`;
    type Answer = {
      promote: {
        dryRun: boolean;
        flags: Array<{
          key: string;
          status: string;
          version: number;
          revision: number | null;
          diff: unknown[];
          flag: { version: number };
        }>;
      };
    };
    const preview = await graphql<Answer>(app, mutation, { dryRun: true }, ADMIN);
    expect(preview.errors).toBeUndefined();
    expect(preview.data?.promote).toEqual({
      from: 'staging',
      to: 'production',
      dryRun: true,
      flags: [
        {
          key: 'gql.a',
          status: 'CHANGED',
          version: 1,
          revision: null,
          diff: [{ op: 'ADD', path: '/environments/production' }],
          flag: { id: 'gql.a', isEnabled: false, version: 1 },
        },
      ],
    });
    const stale = await graphql(app, mutation, { versions: [{ key: 'gql.a', version: 7 }] }, ADMIN);
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'VERSION_MISMATCH',
      key: 'gql.a',
      currentVersion: 1,
    });
    const applied = await graphql<Answer>(app, mutation, { versions: [{ key: 'gql.a', version: 1 }] }, ADMIN);
    expect(applied.data?.promote.flags[0]).toMatchObject({
      status: 'CHANGED',
      version: 2,
      flag: { isEnabled: true, version: 2 },
    });
    const revision = applied.data?.promote.flags[0]?.revision;
    const entry = await graphql<{ auditLog: { edges: Array<{ node: Record<string, unknown> }> } }>(
      app,
      '{ auditLog(filter: { flag: "gql.a", actions: [PROMOTE] }) { edges { node { revision action actor environments from comment } } } }',
      {},
      ADMIN,
    );
    expect(entry.data?.auditLog.edges.map((edge) => edge.node)).toEqual([
      {
        revision,
        action: 'PROMOTE',
        actor: 'release-bot',
        environments: ['production'],
        from: 'staging',
        comment: 'via graphql',
      },
    ]);
    const forbidden = await graphql(app, mutation, { dryRun: true }, READER);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
