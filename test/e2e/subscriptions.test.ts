import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type Client, createClient, type FormattedExecutionResult } from 'graphql-ws';
import { WebSocket } from 'ws';
import type { StoredRecord } from '../../src/flags/flag.js';
import { subscriptionHubOf } from '../../src/graphql/mount.js';
import type { SubscriptionHub } from '../../src/graphql/subscription-hub.js';
import { sendJson, startTestApp } from '../support/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface ChangeView {
  kind: 'UPSERT' | 'DELETE';
  key: string;
  revision: number;
  version: number;
  flag: StoredRecord | null;
}

type Result = FormattedExecutionResult<{ flagChanged: ChangeView }, unknown>;
type Subscription = AsyncIterableIterator<Result>;

const FLAG_FIELDS = 'key isEnabled description version revision createdAt updatedAt definition';
const FLAG_CHANGED = `subscription Changes($prefix: String) {
  flagChanged(prefix: $prefix) { kind key revision version flag { ${FLAG_FIELDS} } }
}`;

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

function connect(app: TestApp): { client: Client; closed: Promise<{ code: number }> } {
  const client = createClient({
    url: `${app.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  const closed = new Promise<{ code: number }>((resolve) => {
    client.on('closed', (event) => resolve(event as { code: number }));
  });
  return { client, closed };
}

async function nextChange(subscription: Subscription): Promise<ChangeView> {
  const { done, value } = await subscription.next();
  expect(done).toBe(false);
  expect(value?.errors).toBeUndefined();
  return value?.data?.flagChanged as ChangeView;
}

async function graphql<T>(app: TestApp, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await sendJson(app, 'POST', '/graphql', { query, variables });
  const body = (await res.json()) as { data?: T; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

async function restWrite(
  app: TestApp,
  method: string,
  path: string,
  body?: unknown,
): Promise<StoredRecord | null> {
  const res = await sendJson(app, method, path, body);
  expect(res.status).toBeLessThan(300);
  return res.status === 204 ? null : ((await res.json()) as StoredRecord);
}

describe('GraphQL subscription flagChanged', () => {
  let app: TestApp;
  let hub: SubscriptionHub;
  let client: Client;

  beforeAll(async () => {
    app = await startTestApp();
    const found = subscriptionHubOf(app.server);
    if (!found) throw new Error('mountGraphQL registered no subscription hub for the app server');
    hub = found;
    ({ client } = connect(app));
  });

  afterEach(async () => {
    // Every test ends its subscriptions: none may be left behind in the hub.
    await untilSubscribers(hub, 0);
  });

  afterAll(async () => {
    await client.dispose();
    await app.stop();
    await app.removeDataDir();
  });

  /** Subscribes and waits until the subscription is live in the hub. */
  async function subscribe(prefix?: string | null): Promise<Subscription> {
    const before = hub.subscriberCount;
    const subscription = client.iterate<{ flagChanged: ChangeView }>({
      query: FLAG_CHANGED,
      variables: prefix === undefined ? {} : { prefix },
    });
    await untilSubscribers(hub, before + 1);
    return subscription;
  }

  it('pushes REST creates and updates as UPSERT with the flag, and REST deletes as DELETE with the last version', async () => {
    const subscription = await subscribe('rest.');
    try {
      const created = await restWrite(app, 'POST', '/feature-flags', { key: 'rest.a', isEnabled: true });
      expect(await nextChange(subscription)).toEqual({
        kind: 'UPSERT',
        key: 'rest.a',
        revision: created?.revision,
        version: 1,
        flag: created,
      });

      const patched = await restWrite(app, 'PATCH', '/feature-flags/rest.a', { description: 'patched' });
      expect(await nextChange(subscription)).toEqual({
        kind: 'UPSERT',
        key: 'rest.a',
        revision: patched?.revision,
        version: 2,
        flag: patched,
      });

      await restWrite(app, 'DELETE', '/feature-flags/rest.a');
      const deleted = await nextChange(subscription);
      expect(deleted).toMatchObject({ kind: 'DELETE', key: 'rest.a', version: 2, flag: null });
      expect(deleted.revision).toBeGreaterThan(patched?.revision ?? Number.POSITIVE_INFINITY);
    } finally {
      await subscription.return?.();
    }
  });

  it('pushes changes made by GraphQL mutations, in revision order', async () => {
    const subscription = await subscribe('gql.');
    try {
      const { createFlag } = await graphql<{ createFlag: StoredRecord }>(
        app,
        `mutation ($key: String!) { createFlag(input: { key: $key, description: "new" }) { ${FLAG_FIELDS} } }`,
        { key: 'gql.a' },
      );
      const { toggleFlag } = await graphql<{ toggleFlag: StoredRecord }>(
        app,
        `mutation ($key: String!) { toggleFlag(key: $key, expectedVersion: 1) { ${FLAG_FIELDS} } }`,
        { key: 'gql.a' },
      );
      const { deleteFlag } = await graphql<{ deleteFlag: { revision: number; version: number } }>(
        app,
        'mutation ($key: String!) { deleteFlag(key: $key) { key version revision } }',
        { key: 'gql.a' },
      );

      expect(await nextChange(subscription)).toEqual({
        kind: 'UPSERT',
        key: 'gql.a',
        revision: createFlag.revision,
        version: 1,
        flag: createFlag,
      });
      expect(toggleFlag.definition).toMatchObject({ environments: { production: { enabled: true } } });
      expect(await nextChange(subscription)).toEqual({
        kind: 'UPSERT',
        key: 'gql.a',
        revision: toggleFlag.revision,
        version: 2,
        flag: {
          ...createFlag,
          isEnabled: true,
          version: 2,
          revision: toggleFlag.revision,
          updatedAt: toggleFlag.updatedAt,
          definition: toggleFlag.definition,
        },
      });
      expect(await nextChange(subscription)).toEqual({
        kind: 'DELETE',
        key: 'gql.a',
        revision: deleteFlag.revision,
        version: 2,
        flag: null,
      });
    } finally {
      await subscription.return?.();
    }
  });

  it('skips changes outside the prefix: the next matching change is the next event', async () => {
    const subscription = await subscribe('scope.');
    try {
      await restWrite(app, 'POST', '/feature-flags', { key: 'other.x' });
      // Starts with "scope" but not with "scope.": the prefix is literal.
      await restWrite(app, 'POST', '/feature-flags', { key: 'scopeless' });
      await restWrite(app, 'POST', '/feature-flags', { key: 'scope.a' });
      expect(await nextChange(subscription)).toMatchObject({ kind: 'UPSERT', key: 'scope.a' });
    } finally {
      await subscription.return?.();
    }
  });

  it('without a prefix, or with an empty one, pushes every change', async () => {
    const omitted = await subscribe();
    const empty = await subscribe('');
    try {
      const flag = await restWrite(app, 'POST', '/feature-flags', { key: 'anything.at.all' });
      const expected = { kind: 'UPSERT', key: 'anything.at.all', revision: flag?.revision };
      expect(await nextChange(omitted)).toMatchObject(expected);
      expect(await nextChange(empty)).toMatchObject(expected);
    } finally {
      await omitted.return?.();
      await empty.return?.();
    }
  });

  it('gives every subscriber to the same prefix its own copy of each change', async () => {
    const first = await subscribe('shared.');
    const second = await subscribe('shared.');
    const wider = await subscribe('shar');
    try {
      await restWrite(app, 'POST', '/feature-flags', { key: 'shared.a' });
      for (const subscription of [first, second, wider]) {
        expect(await nextChange(subscription)).toMatchObject({ key: 'shared.a' });
      }
    } finally {
      await Promise.all([first, second, wider].map((s) => s.return?.()));
    }
  });

  it('refuses a malformed prefix with VALIDATION_FAILED and registers no subscriber', async () => {
    const subscription = client.iterate({ query: FLAG_CHANGED, variables: { prefix: '.bad prefix' } });
    const { value } = await subscription.next();
    expect(value?.errors).toHaveLength(1);
    expect(value?.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', field: 'prefix' });
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
    expect(hub.subscriberCount).toBe(0);
  });

  it('refuses a prefix variable of the wrong type with VALIDATION_FAILED', async () => {
    const subscription = client.iterate({ query: FLAG_CHANGED, variables: { prefix: 42 } });
    const { value } = await subscription.next();
    expect(value?.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
  });

  it('answers a malformed document with GRAPHQL_PARSE_FAILED or GRAPHQL_VALIDATION_FAILED', async () => {
    const cases = [
      { query: 'subscription { flagChanged { key }', code: 'GRAPHQL_PARSE_FAILED' },
      { query: 'subscription { flagChanged { nope } }', code: 'GRAPHQL_VALIDATION_FAILED' },
    ];
    for (const { query, code } of cases) {
      const failed = await client
        .iterate({ query })
        .next()
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(failed).toEqual([expect.objectContaining({ extensions: { code } })]);
    }
  });

  it('refuses a subscription sent over HTTP with BAD_REQUEST, naming the WebSocket endpoint', async () => {
    const res = await sendJson(app, 'POST', '/graphql', { query: FLAG_CHANGED });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('WebSocket'),
        extensions: { code: 'BAD_REQUEST' },
      }),
    ]);
  });

  it('unsubscribing ends the subscription and removes its subscriber from the hub', async () => {
    const subscription = await subscribe('leave.');
    expect(hub.subscriberCount).toBe(1);
    await subscription.return?.();
    await untilSubscribers(hub, 0);
    // The hub keeps working for the next subscriber.
    const again = await subscribe('leave.');
    try {
      await restWrite(app, 'POST', '/feature-flags', { key: 'leave.a' });
      expect(await nextChange(again)).toMatchObject({ key: 'leave.a' });
    } finally {
      await again.return?.();
    }
  });

  it('closing the socket ends its subscriptions and removes them from the hub', async () => {
    const own = connect(app);
    own.client.iterate({ query: FLAG_CHANGED, variables: { prefix: 'gone.' } });
    own.client.iterate({ query: FLAG_CHANGED, variables: { prefix: 'gone.' } });
    await untilSubscribers(hub, 2);
    await own.client.dispose();
    expect((await own.closed).code).toBe(1000);
    await untilSubscribers(hub, 0);
  });
});

describe('GraphQL subscriptions when the app stops', () => {
  it('closes every socket with 1001 (Going Away) and ends their subscriptions', async () => {
    const app = await startTestApp();
    try {
      const hub = subscriptionHubOf(app.server) as SubscriptionHub;
      const sockets = [connect(app), connect(app)];
      // Read before the close: graphql-ws's iterate() only reports an error to a read already waiting.
      const ended = sockets.map(({ client }) =>
        client
          .iterate({ query: FLAG_CHANGED, variables: { prefix: 'stop.' } })
          .next()
          .then(
            () => 'no error',
            (err: unknown) => err,
          ),
      );
      await untilSubscribers(hub, 2);

      await app.stop();
      for (const { closed } of sockets) expect((await closed).code).toBe(1001);
      for (const error of ended) expect(await error).toMatchObject({ code: 1001 });
      expect(hub.subscriberCount).toBe(0);
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });
});
