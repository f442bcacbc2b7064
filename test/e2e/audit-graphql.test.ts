import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { sendJson, startTestApp } from '../support/app.js';
import { startInstancePair } from '../support/instance-pair.js';
import { Inbox } from '../support/listeners.js';
import { EVERY_STORE } from '../support/store-kinds.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
interface GraphQLResult<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}
interface Entry {
  id: string;
  revision: number;
  actor: string;
  action: string;
  entity: string;
  key: string;
  environments: string[];
  comment: string | null;
  diff: Array<{ op: string; path: string; before: unknown; after: unknown }>;
}
interface Connection {
  edges: Array<{ cursor: string; node: Entry }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  truncated: boolean;
}

const ADMIN = 'graphql-admin-secret-01';
const READER = 'graphql-reader-secret-2';
const ENV = { ADMIN_TOKENS: `ops ${ADMIN}`, CLIENT_TOKENS: READER, WRITE_RATE_BURST: '1000' };
const ENTRY = 'id revision actor action entity key environments comment diff { op path before after }';
const AUDIT_LOG = `query ($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor } truncated
  }
}`;

async function graphql<T>(app: { url: string }, query: string, variables: object = {}, token = ADMIN) {
  const res = await sendJson(
    app,
    'POST',
    '/graphql',
    { query, variables },
    { authorization: `Bearer ${token}` },
  );
  return (await res.json()) as GraphQLResult<T>;
}

/** A graphql-ws client subscribed to `auditEntryAdded(filter)`. */
function subscribeAudit(appUrl: string, filter: object = {}, token = ADMIN) {
  const inbox = new Inbox<Entry>();
  const errors: unknown[] = [];
  const failures = new Inbox<unknown>();
  const client = createClient({
    url: `${appUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const dispose = client.subscribe<{ auditEntryAdded: Entry }>(
    {
      query: `subscription ($filter: AuditFilter) { auditEntryAdded(filter: $filter) { ${ENTRY} } }`,
      variables: { filter },
    },
    {
      next: (result) => {
        if (result.data) inbox.push(result.data.auditEntryAdded);
        for (const error of result.errors ?? []) {
          errors.push(error);
          failures.push(error);
        }
      },
      error: (err) => {
        errors.push(err);
        failures.push(err);
      },
      complete: () => {},
    },
  );
  return {
    next: (timeoutMs?: number) => inbox.next(timeoutMs, 'audit entry'),
    /** The first error the operation ends with. */
    failure: () => failures.next(5000, 'subscription error'),
    get received() {
      return inbox.pending;
    },
    errors,
    close: async () => {
      dispose();
      await client.dispose();
    },
  };
}

describe.each(EVERY_STORE())('GraphQL audit history over $name', (kind) => {
  let app: TestApp;
  const mutate = async (query: string, variables: object = {}) => {
    const result = await graphql<unknown>(app, query, variables);
    expect(result.errors).toBeUndefined();
  };

  beforeAll(async () => {
    const { env, overrides } = await kind.setup();
    app = await startTestApp({ ...ENV, ...env }, overrides);
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    await kind.stop();
  });

  it('records every mutation with the token name, its comment argument and its action', async () => {
    const c = (text: string) => ({ comment: text });
    await mutate(
      'mutation ($comment: String) { createEnvironment(input: { key: "staging" }, comment: $comment) { key } }',
      c('env'),
    );
    await mutate(
      'mutation ($comment: String) { createFlag(input: { key: "g.a" }, comment: $comment) { key } }',
      c('create'),
    );
    await mutate('mutation { setFlag(input: { key: "g.a", description: "d" }) { created } }');
    await mutate(
      'mutation ($comment: String) { updateFlag(key: "g.a", patch: { isEnabled: true }, environment: "staging", comment: $comment) { key } }',
      c('update'),
    );
    await mutate(
      'mutation ($comment: String) { toggleFlag(key: "g.a", comment: $comment) { key } }',
      c('toggle'),
    );
    await mutate(
      `mutation ($comment: String) { setRules(key: "g.a", environment: "production", comment: $comment,
        rules: [{ clauses: [{ attribute: "country", op: "in", values: ["NZ"] }], serve: { variant: "on" } }]) { key } }`,
      c('rules'),
    );
    await mutate(
      `mutation ($comment: String) { setRollout(key: "g.a", environment: "production", comment: $comment,
        rollout: { weights: [{ variant: "on", weight: 1 }, { variant: "off", weight: 3 }] }) { key } }`,
      c('rollout'),
    );
    await mutate(
      `mutation ($comment: String) { replaceFlag(key: "g.b", comment: $comment,
        definition: { type: "boolean", variants: { on: true, off: false } }) { created } }`,
      c('replace'),
    );
    await mutate(
      'mutation ($comment: String) { createSegment(segment: { key: "s" }, comment: $comment) { key } }',
      c('segment'),
    );
    await mutate('mutation { replaceSegment(key: "s", segment: { included: ["u"] }) { created } }');
    await mutate(
      'mutation ($comment: String) { deleteSegment(key: "s", comment: $comment) { key } }',
      c('gone'),
    );
    await mutate(
      'mutation ($comment: String) { deleteFlag(key: "g.b", comment: $comment) { key } }',
      c('bye'),
    );

    const result = await graphql<{ auditLog: Connection }>(app, AUDIT_LOG, { first: 50 });
    const nodes = result.data?.auditLog.edges.map((edge) => edge.node) ?? [];
    expect(nodes.map((n) => [n.action, n.key, n.actor, n.comment]).reverse()).toEqual([
      ['ENVIRONMENT_CREATE', 'staging', 'ops', 'env'],
      ['CREATE', 'g.a', 'ops', 'create'],
      ['UPDATE', 'g.a', 'ops', null],
      ['UPDATE', 'g.a', 'ops', 'update'],
      ['TOGGLE', 'g.a', 'ops', 'toggle'],
      ['SET_RULES', 'g.a', 'ops', 'rules'],
      ['SET_ROLLOUT', 'g.a', 'ops', 'rollout'],
      ['CREATE', 'g.b', 'ops', 'replace'],
      ['SEGMENT_CREATE', 's', 'ops', 'segment'],
      ['SEGMENT_REPLACE', 's', 'ops', null],
      ['SEGMENT_DELETE', 's', 'ops', 'gone'],
      ['DELETE', 'g.b', 'ops', 'bye'],
    ]);
    const toggle = nodes.find((n) => n.action === 'TOGGLE');
    expect(toggle).toMatchObject({
      id: String(toggle?.revision),
      entity: 'FLAG',
      environments: ['production'],
    });
    expect(toggle?.diff).toEqual([
      { op: 'REPLACE', path: '/environments/production/enabled', before: false, after: true },
    ]);
  });

  it('pages auditLog as a connection: edges with cursors, pageInfo, the same filter on every page', async () => {
    const all = await graphql<{ auditLog: Connection }>(app, AUDIT_LOG, {
      filter: { flag: 'g.a' },
      first: 50,
    });
    const revisions = all.data?.auditLog.edges.map((edge) => edge.node.revision) ?? [];
    expect(revisions).toHaveLength(6);
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: GraphQLResult<{ auditLog: Connection }> = await graphql(app, AUDIT_LOG, {
        filter: { flag: 'g.a' },
        first: 4,
        after,
      });
      const connection = page.data?.auditLog as Connection;
      seen.push(...connection.edges.map((edge) => edge.node.revision));
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(revisions);
    // Any edge's cursor continues right after it.
    const third = all.data?.auditLog.edges[2];
    const rest = await graphql<{ auditLog: Connection }>(app, AUDIT_LOG, {
      filter: { flag: 'g.a' },
      after: third?.cursor,
    });
    expect(rest.data?.auditLog.edges.map((edge) => edge.node.revision)).toEqual(revisions.slice(3));
    const filtered = await graphql<{ auditLog: Connection }>(app, AUDIT_LOG, {
      filter: { actions: ['TOGGLE', 'SET_RULES'], environment: 'production' },
    });
    expect(filtered.data?.auditLog.edges.map((edge) => edge.node.action)).toEqual(['SET_RULES', 'TOGGLE']);
  });

  it('refuses auditLog and auditEntryAdded to a client token (FORBIDDEN), and bad filters (VALIDATION_FAILED)', async () => {
    const refused = await graphql(app, AUDIT_LOG, {}, READER);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await graphql(app, AUDIT_LOG, { filter: { since: 'yesterday' } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const reader = subscribeAudit(app.url, {}, READER);
    try {
      // The refusal ends the operation with an error; nothing is ever delivered.
      expect(JSON.stringify(await reader.failure())).toContain('FORBIDDEN');
      expect(reader.received).toBe(0);
    } finally {
      await reader.close();
    }
  });

  it('delivers new entries matching the filter to auditEntryAdded subscribers', async () => {
    const staging = subscribeAudit(app.url, { environment: 'staging', actions: ['TOGGLE'] });
    try {
      // graphql-ws has no "subscribed" acknowledgement: write until the first entry arrives.
      let first: Entry | undefined;
      for (let i = 0; !first && i < 50; i++) {
        await mutate('mutation { toggleFlag(key: "g.a", environment: "staging", comment: "live") { key } }');
        first = await staging.next(200).catch(() => undefined);
      }
      expect(first).toMatchObject({
        action: 'TOGGLE',
        key: 'g.a',
        environments: ['staging'],
        comment: 'live',
      });
      // Not matching: production toggles; matching again: a staging toggle.
      await mutate('mutation { toggleFlag(key: "g.a") { key } }');
      await mutate('mutation { toggleFlag(key: "g.a", environment: "staging", comment: "again") { key } }');
      let next = await staging.next();
      while (next.comment === 'live') next = await staging.next();
      expect(next).toMatchObject({ action: 'TOGGLE', environments: ['staging'], comment: 'again' });
      expect(next.revision).toBeGreaterThan(first?.revision ?? 0);
    } finally {
      await staging.close();
    }
  });
});

describe('auditEntryAdded across instances', () => {
  let pair: Awaited<ReturnType<typeof startInstancePair>>;
  beforeAll(async () => {
    pair = await startInstancePair(ENV);
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('delivers to a subscriber on one instance the entries of changes made on another', async () => {
    const onB = subscribeAudit(pair.b.url, { flag: 'x.cross' });
    try {
      const created = await graphql(
        pair.a,
        'mutation { createFlag(input: { key: "x.cross" }, comment: "from A") { key } }',
      );
      expect(created.errors).toBeUndefined();
      let entry = await onB.next(500).catch(() => undefined);
      for (let i = 0; !entry && i < 50; i++) {
        await graphql(pair.a, 'mutation { toggleFlag(key: "x.cross", comment: "from A") { key } }');
        entry = await onB.next(200).catch(() => undefined);
      }
      expect(entry).toMatchObject({ key: 'x.cross', actor: 'ops', comment: 'from A' });
      const deleted = await graphql(pair.a, 'mutation { deleteFlag(key: "x.cross") { key } }');
      expect(deleted.errors).toBeUndefined();
      let last = await onB.next();
      while (last.action !== 'DELETE') last = await onB.next();
      expect(last).toMatchObject({ key: 'x.cross', entity: 'FLAG', comment: null });
      expect(last.revision).toBeGreaterThan(entry?.revision ?? 0);
    } finally {
      await onB.close();
    }
  });
});
