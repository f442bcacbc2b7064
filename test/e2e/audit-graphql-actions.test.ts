import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { sendJson, startTestApp } from '../support/app.js';
import { Inbox } from '../support/listeners.js';

/*
 * The audit history over GraphQL as the console reads it: the `auditLog` connection (every action the
 * service records, readable; filters; cursors), the `comment` argument of mutations, the
 * `auditEntryAdded` subscription, and admin-only access.
 */
const ALICE = 'alice-secret-token-0001';
const BOB = 'bob-secret-token-000002';
const READER = 'reader-secret-token-003';

interface Entry {
  revision: number;
  actor: string;
  action: string;
  entity: string;
  key: string;
  environments: string[];
  comment: string | null;
  diff: { op: string; path: string; before: unknown; after: unknown }[];
}
interface Answer {
  data?: { auditLog: { edges: { cursor: string; node: Entry }[]; pageInfo: { hasNextPage: boolean } } };
  errors?: { message: string; extensions: { code: string } }[];
}

const ENTRY = 'revision actor action entity key environments comment diff { op path before after }';
const AUDIT_LOG = `query ($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges { cursor node { ${ENTRY} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('the audit history over GraphQL', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) =>
    (await (
      await sendJson(app, 'POST', '/graphql', { query, variables }, { authorization: `Bearer ${token}` })
    ).json()) as Answer;
  const history = async (filter: Record<string, unknown> = {}, first?: number, after?: string) => {
    const answer = await gql(ALICE, AUDIT_LOG, { filter, first, after });
    expect(answer.errors).toBeUndefined();
    return answer.data?.auditLog ?? { edges: [], pageInfo: { hasNextPage: false } };
  };

  beforeAll(async () => {
    app = await startTestApp({
      ADMIN_TOKENS: `alice ${ALICE}, bob ${BOB}`,
      CLIENT_TOKENS: `dashboard@production ${READER}`,
      WRITE_RATE_BURST: '1000',
    });
    const bob = { authorization: `Bearer ${BOB}` };
    await sendJson(app, 'POST', '/environments', { key: 'staging' }, bob);
    await sendJson(
      app,
      'PATCH',
      '/environments/staging',
      { description: 'pre-production' },
      {
        ...bob,
        'flagwire-comment': 'describe%20staging',
      },
    );
    await sendJson(app, 'POST', '/feature-flags', { key: 'checkout', isEnabled: false }, bob);
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('serves every recorded action, an environment description edit included', async () => {
    const { edges } = await history();
    expect(edges.map((edge) => edge.node.action)).toEqual([
      'CREATE',
      'ENVIRONMENT_UPDATE',
      'ENVIRONMENT_CREATE',
    ]);
    const described = edges[1]?.node;
    expect(described).toMatchObject({
      actor: 'bob',
      entity: 'ENVIRONMENT',
      key: 'staging',
      environments: ['staging'],
      comment: 'describe staging',
    });
    expect(described?.diff).toEqual([
      { op: 'REPLACE', path: '/description', before: '', after: 'pre-production' },
    ]);
    const onlyUpdates = await history({ actions: ['ENVIRONMENT_UPDATE'] });
    expect(onlyUpdates.edges.map((edge) => edge.node.key)).toEqual(['staging']);
  });

  it('records the comment argument of a mutation with the token name as the actor', async () => {
    const toggled = await gql(
      ALICE,
      'mutation { toggleFlag(key: "checkout", environment: "production", comment: "launch day") { version } }',
    );
    expect(toggled.errors).toBeUndefined();
    const [latest] = (await history({ flag: 'checkout' }, 1)).edges;
    expect(latest?.node).toMatchObject({
      actor: 'alice',
      action: 'TOGGLE',
      environments: ['production'],
      comment: 'launch day',
    });
    expect(latest?.node.diff).toEqual([
      { op: 'REPLACE', path: '/environments/production/enabled', before: false, after: true },
    ]);
  });

  it('pages newest first with the cursor of the last edge', async () => {
    const first = await history({}, 2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await history({}, 50, first.edges.at(-1)?.cursor);
    const revisions = [...first.edges, ...rest.edges].map((edge) => edge.node.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => b - a));
    expect(new Set(revisions).size).toBe(revisions.length);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a client token with FORBIDDEN, for the history and its subscription', async () => {
    expect((await gql(READER, AUDIT_LOG)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const client = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${READER}` },
      retryAttempts: 0,
    });
    // A refused subscription is answered with one result carrying the error (graphql-js's subscribe
    // outcome), then completed.
    const refused = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: 'subscription { auditEntryAdded { revision } }' },
        { next: resolve, error: resolve, complete: () => resolve('completed') },
      );
    });
    await client.dispose();
    expect(refused).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
  });

  it('pushes each new entry matching the filter to auditEntryAdded subscribers', async () => {
    const inbox = new Inbox<Entry>();
    const client = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ALICE}` },
      retryAttempts: 0,
    });
    const dispose = client.subscribe<{ auditEntryAdded: Entry }>(
      {
        query: `subscription ($filter: AuditFilter) { auditEntryAdded(filter: $filter) { ${ENTRY} } }`,
        variables: { filter: { flag: 'checkout' } },
      },
      {
        next: (result) => result.data && inbox.push(result.data.auditEntryAdded),
        error: () => {},
        complete: () => {},
      },
    );
    try {
      // graphql-ws has no "subscribed" acknowledgement: write until an entry arrives (STACK pitfall 4).
      let entry: Entry | undefined;
      for (let attempt = 0; entry === undefined && attempt < 20; attempt++) {
        await sendJson(
          app,
          'POST',
          '/feature-flags',
          { key: 'other', isEnabled: true },
          {
            authorization: `Bearer ${BOB}`,
          },
        );
        await sendJson(
          app,
          'POST',
          '/feature-flags',
          { key: 'checkout', description: `try ${attempt}` },
          {
            authorization: `Bearer ${BOB}`,
          },
        );
        entry = await inbox.next(500).catch(() => undefined);
      }
      expect(entry).toMatchObject({ actor: 'bob', key: 'checkout', action: 'UPDATE' });
      // Only the filtered flag's entries: none of `other`'s, written in between, arrives.
      await sendJson(
        app,
        'POST',
        '/feature-flags',
        { key: 'checkout', description: 'last' },
        {
          authorization: `Bearer ${BOB}`,
        },
      );
      const seen: Entry[] = [];
      do seen.push(await inbox.next(5000));
      while (seen.at(-1)?.diff[0]?.after !== 'last');
      expect(seen.map((e) => e.key).filter((key) => key !== 'checkout')).toEqual([]);
    } finally {
      dispose();
      await client.dispose();
    }
  });
});
