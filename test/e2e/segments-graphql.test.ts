import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, type FormattedExecutionResult } from 'graphql-ws';
import { WebSocket } from 'ws';
import { subscriptionHubOf } from '../../src/graphql/mount.js';
import type { SubscriptionHub } from '../../src/graphql/subscription-hub.js';
import { sendJson, startTestApp } from '../support/app.js';
import { flagOnForSegment } from '../support/segments.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface GraphQLResponse<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const SEGMENT_FIELDS = 'id key description included excluded version revision createdAt updatedAt definition';

interface ChangeView {
  kind: 'UPSERT' | 'DELETE';
  entity: 'FLAG' | 'SEGMENT';
  key: string;
  revision: number;
  version: number;
  flag: { key: string } | null;
  segment: { id: string; key: string; included: string[] } | null;
}
type Subscription = AsyncIterableIterator<FormattedExecutionResult<{ flagChanged: ChangeView }, unknown>>;

/** Resolves once the hub holds exactly `count` subscribers: then they are live (pitfall 4). */
function untilSubscribers(hub: SubscriptionHub, count: number): Promise<void> {
  return new Promise((resolve) => {
    if (hub.subscriberCount === count) return resolve();
    const off = hub.onCountChange((now) => {
      if (now !== count) return;
      off();
      resolve();
    });
  });
}

describe('GraphQL segments', () => {
  let app: TestApp;
  let hub: SubscriptionHub;

  async function graphql<T>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLResponse<T>> {
    const res = await sendJson(app, 'POST', '/graphql', { query, variables });
    return (await res.json()) as GraphQLResponse<T>;
  }
  async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const body = await graphql<T>(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data as T;
  }
  const codeOf = (body: GraphQLResponse<unknown>) => body.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    app = await startTestApp();
    const found = subscriptionHubOf(app.server);
    if (!found) throw new Error('no subscription hub');
    hub = found;
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('createSegment, replaceSegment (version-guarded) and the segments/segment queries agree, with a stable id', async () => {
    const { createSegment } = await ok<{ createSegment: { id: string; version: number } }>(
      `mutation($s: JSON!) { createSegment(segment: $s) { ${SEGMENT_FIELDS} } }`,
      { s: { key: 'gql.beta', description: 'beta testers', included: ['user-1'] } },
    );
    expect(createSegment).toMatchObject({
      id: 'gql.beta',
      key: 'gql.beta',
      version: 1,
      included: ['user-1'],
    });
    expect(codeOf(await graphql(`mutation { createSegment(segment: {key: "gql.beta"}) { id } }`))).toBe(
      'SEGMENT_ALREADY_EXISTS',
    );

    const replaced = await ok<{
      replaceSegment: { created: boolean; segment: { version: number; excluded: string[] } };
    }>(
      `mutation($s: JSON!) { replaceSegment(key: "gql.beta", segment: $s, expectedVersion: 1) { created segment { ${SEGMENT_FIELDS} } } }`,
      { s: { excluded: ['user-2'] } },
    );
    expect(replaced.replaceSegment).toMatchObject({
      created: false,
      segment: { version: 2, excluded: ['user-2'] },
    });
    const stale = await graphql(
      `mutation { replaceSegment(key: "gql.beta", segment: {}, expectedVersion: 1) { created } }`,
    );
    expect(codeOf(stale)).toBe('VERSION_MISMATCH');

    const { segments, segment } = await ok<{ segments: Array<{ id: string }>; segment: { version: number } }>(
      `{ segments { ${SEGMENT_FIELDS} } segment(key: "gql.beta") { ${SEGMENT_FIELDS} } }`,
    );
    expect(segments.map((s) => s.id)).toContain('gql.beta');
    expect(segment.version).toBe(2);
    expect((await ok<{ segment: null }>(`{ segment(key: "gql.none") { id } }`)).segment).toBeNull();
  });

  it('refuses an invalid segment with VALIDATION_FAILED naming the path', async () => {
    const body = await graphql(`mutation($s: JSON!) { createSegment(segment: $s) { id } }`, {
      s: { key: 'gql.bad', rules: [{ clauses: [] }] },
    });
    expect(codeOf(body)).toBe('VALIDATION_FAILED');
    expect(body.errors?.[0]?.extensions).toMatchObject({ field: 'rules[0].clauses' });
  });

  it('deleteSegment is refused with SEGMENT_IN_USE while a flag names it, then deletes it', async () => {
    await ok(`mutation { createSegment(segment: {key: "gql.used"}) { id } }`);
    const put = await sendJson(
      app,
      'PUT',
      '/feature-flags/gql.user',
      flagOnForSegment('gql.user', 'gql.used'),
    );
    expect(put.status).toBe(201);
    const refused = await graphql(`mutation { deleteSegment(key: "gql.used") { key } }`);
    expect(codeOf(refused)).toBe('SEGMENT_IN_USE');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ flags: ['gql.user'] });

    await sendJson(app, 'DELETE', '/feature-flags/gql.user', undefined);
    const deleted = await ok<{ deleteSegment: { key: string; version: number } }>(
      `mutation { deleteSegment(key: "gql.used", expectedVersion: 1) { key version revision } }`,
    );
    expect(deleted.deleteSegment).toMatchObject({ key: 'gql.used', version: 1 });
    expect(codeOf(await graphql(`mutation { deleteSegment(key: "gql.used") { key } }`))).toBe(
      'SEGMENT_NOT_FOUND',
    );
  });

  it('flagChanged pushes segment changes (entity SEGMENT, the segment, its own key) to every subscriber, whatever its prefix', async () => {
    const client = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const query = `subscription($prefix: String) { flagChanged(prefix: $prefix) {
      kind entity key revision version flag { key } segment { id key included } } }`;
    try {
      const subscribe = (prefix: string) =>
        client.iterate<{ flagChanged: ChangeView }>({ query, variables: { prefix } }) as Subscription;
      const before = hub.subscriberCount;
      const narrow = subscribe('checkout.');
      const other = subscribe('search.');
      await untilSubscribers(hub, before + 2);

      const upsert = await ok<{ createSegment: { revision: number } }>(
        `mutation { createSegment(segment: {key: "gql.live", included: ["u"]}) { revision } }`,
      );
      const flag = await sendJson(app, 'POST', '/feature-flags', { key: 'checkout.x', isEnabled: true });
      const flagRevision = ((await flag.json()) as { revision: number }).revision;
      const removed = await ok<{ deleteSegment: { revision: number } }>(
        `mutation { deleteSegment(key: "gql.live") { revision } }`,
      );

      const next = async (subscription: Subscription) => (await subscription.next()).value?.data?.flagChanged;
      for (const subscription of [narrow, other]) {
        expect(await next(subscription)).toEqual({
          kind: 'UPSERT',
          entity: 'SEGMENT',
          key: 'gql.live',
          revision: upsert.createSegment.revision,
          version: 1,
          flag: null,
          segment: { id: 'gql.live', key: 'gql.live', included: ['u'] },
        });
      }
      // Flags still follow the prefix: only `checkout.` hears the flag, in revision order.
      expect(await next(narrow)).toMatchObject({ entity: 'FLAG', key: 'checkout.x', revision: flagRevision });
      for (const subscription of [narrow, other]) {
        expect(await next(subscription)).toMatchObject({
          kind: 'DELETE',
          entity: 'SEGMENT',
          key: 'gql.live',
          revision: removed.deleteSegment.revision,
          segment: null,
        });
      }
      await narrow.return?.();
      await other.return?.();
    } finally {
      await client.dispose();
    }
  });
});
