import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { subscriptionHubOf } from '../../src/graphql/mount.js';
import type { SubscriptionHub } from '../../src/graphql/subscription-hub.js';
import { type ApolloClient, type ApolloResult, loadApollo, type Subscribable } from '../support/apollo.js';
import { sendJson, startTestApp } from '../support/app.js';
import { itWhen } from '../support/skip.js';

/*
 * PROTOCOL.md's promise for normalised caches, tried the way a new user would: Apollo Client 4 with a
 * bare `new InMemoryCache()` (no keyFields, no typePolicies, no update functions, no eviction). A list
 * read once and then watched from the cache only (`cache-only`: nothing may be fetched again) follows
 * a mutation, a subscription event for a write made through REST, and deletes.
 */

const loaded = await loadApollo();
const itWithApollo = itWhen(loaded.ok, loaded.ok ? '' : loaded.reason);

const PREFIX = 'apollo.';
const FIELDS = `fragment Listed on Flag { id key isEnabled version environments { id enabled } }`;
const LIST = `query List($prefix: String) { flags(prefix: $prefix) { ...Listed } } ${FIELDS}`;
const TOGGLE = `mutation Toggle($key: String!) { toggleFlag(key: $key) { ...Listed } } ${FIELDS}`;
const DELETE = `mutation Delete($key: String!, $prefix: String) {
  deleteFlag(key: $key) { key query { flags(prefix: $prefix) { ...Listed } } }
} ${FIELDS}`;
const CHANGES = `subscription Changes($prefix: String) {
  flagChanged(prefix: $prefix) { kind key revision flag { ...Listed } query { flags(prefix: $prefix) { ...Listed } } }
} ${FIELDS}`;

const TYPED = `fragment Typed on Flag {
  id version
  environments { id enabled rules { id ruleId serve { variant rollout { weights { variant weight } } } } }
}`;
const FLAG = `query Flag($key: String!) { flag(key: $key) { ...Typed } } ${TYPED}`;
const REPLACE = `mutation Replace($key: String!, $definition: JSON!) {
  replaceFlag(key: $key, definition: $definition) { flag { ...Typed } }
} ${TYPED}`;
const SET_RULES = `mutation SetRules($key: String!, $rules: JSON!) {
  setRules(key: $key, environment: "production", rules: $rules) { ...Typed }
} ${TYPED}`;
const SET_ROLLOUT = `mutation SetRollout($key: String!, $ruleId: String, $rollout: RolloutInput!) {
  setRollout(key: $key, environment: "production", ruleId: $ruleId, rollout: $rollout) { ...Typed }
} ${TYPED}`;

interface Typed {
  id: string;
  environments: { rules: { ruleId: string; serve: { variant: string | null; rollout: unknown } }[] }[];
}

interface Listed {
  id: string;
  key: string;
  isEnabled: boolean;
  version: number;
}

describe('Apollo Client 4 InMemoryCache with no configuration', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let socket: Client;
  let apollo: ApolloClient;

  beforeAll(async () => {
    if (!loaded.ok) return;
    app = await startTestApp();
    const { ApolloClient, InMemoryCache, HttpLink, ApolloLink, GraphQLWsLink } = loaded.apollo;
    const url = new URL('/graphql', app.url);
    socket = createClient({
      url: url.href.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    apollo = new ApolloClient({
      cache: new InMemoryCache(),
      link: ApolloLink.split(
        (operation) => operation.operationType === 'subscription',
        new GraphQLWsLink(socket),
        new HttpLink({ uri: url.href }),
      ),
    });
  });

  afterAll(async () => {
    if (!loaded.ok) return;
    apollo.stop();
    await socket.dispose();
    await app.stop();
    await app.removeDataDir();
  });

  itWithApollo(
    'a cached flags list follows a toggle mutation, a REST write seen by a subscription, and deletes',
    async () => {
      if (!loaded.ok) return;
      const { gql } = loaded.apollo;
      for (const key of ['apollo.a', 'apollo.b']) {
        expect((await sendJson(app, 'POST', '/feature-flags', { key })).status).toBe(201);
      }
      const variables = { prefix: PREFIX };
      const initial = await apollo.query({ query: gql(LIST), variables });
      expect(keysOf(initial)).toEqual(['apollo.a', 'apollo.b']);
      const list = new Latest(apollo.watchQuery({ query: gql(LIST), variables, fetchPolicy: 'cache-only' }));

      try {
        // 1. A mutation: the Flag in the list is the one the mutation answered (same id).
        await apollo.mutate({ mutation: gql(TOGGLE), variables: { key: 'apollo.a' } });
        await list.until((flags) => flags.find((flag) => flag.key === 'apollo.a')?.isEnabled === true);

        // 2. Subscription events for writes made through REST. graphql-ws does not say when a
        // subscription is live: the hub's subscriber count does.
        const hub = subscriptionHubOf(app.server) as SubscriptionHub;
        const live = untilSubscribers(hub, 1);
        const events = new Latest(apollo.subscribe({ query: gql(CHANGES), variables }));
        try {
          await live;
          // A flag created elsewhere joins the cached list (the event's `query` field)...
          expect(
            (await sendJson(app, 'POST', '/feature-flags', { key: 'apollo.c', isEnabled: true })).status,
          ).toBe(201);
          await list.until((flags) => keys(flags).join() === 'apollo.a,apollo.b,apollo.c');
          // ...and one deleted elsewhere leaves it.
          expect((await sendJson(app, 'DELETE', '/feature-flags/apollo.b', undefined)).status).toBe(204);
          await list.until((flags) => keys(flags).join() === 'apollo.a,apollo.c');
        } finally {
          events.stop();
        }

        // 3. A delete through GraphQL: its payload's `query` carries the list without the flag.
        await apollo.mutate({ mutation: gql(DELETE), variables: { key: 'apollo.a', prefix: PREFIX } });
        await list.until((flags) => keys(flags).join() === 'apollo.c');
      } finally {
        list.stop();
      }
    },
  );

  itWithApollo(
    'one cache keeps every-environment and one-environment views apart: a toggle in staging changes the staging list only',
    async () => {
      if (!loaded.ok) return;
      const { gql } = loaded.apollo;
      expect((await sendJson(app, 'POST', '/environments', { key: 'staging' })).status).toBe(201);
      expect(
        (await sendJson(app, 'POST', '/feature-flags', { key: 'scoped.a', isEnabled: false })).status,
      ).toBe(201);
      const scoped = `query Scoped($prefix: String, $environment: String) {
        flags(prefix: $prefix, environment: $environment) { id key isEnabled } }`;
      const toggle = `mutation ToggleIn($key: String!, $environment: String) {
        toggleFlag(key: $key, environment: $environment) { id key isEnabled } }`;
      const every = { prefix: 'scoped.' };
      const staging = { prefix: 'scoped.', environment: 'staging' };
      await apollo.query({ query: gql(scoped), variables: every });
      await apollo.query({ query: gql(scoped), variables: staging });
      const allList = new Latest(
        apollo.watchQuery({ query: gql(scoped), variables: every, fetchPolicy: 'cache-only' }),
      );
      const stagingList = new Latest(
        apollo.watchQuery({ query: gql(scoped), variables: staging, fetchPolicy: 'cache-only' }),
      );
      try {
        await apollo.mutate({
          mutation: gql(toggle),
          variables: { key: 'scoped.a', environment: 'staging' },
        });
        await stagingList.until((flags) => flags[0]?.isEnabled === true);
        // The every-environment view reports production, still off: the staging answer did not land on it
        // (the cache broadcast both lists in the same write, so the latest is current).
        let every: Listed[] = [];
        await allList.until((flags) => {
          every = flags;
          return flags.length === 1;
        });
        expect(every[0]).toMatchObject({ key: 'scoped.a', isEnabled: false });
      } finally {
        allList.stop();
        stagingList.stop();
      }
    },
  );

  itWithApollo(
    'a cached flag’s rules follow setRollout and setRules, each rule merged by its id',
    async () => {
      if (!loaded.ok) return;
      const { gql } = loaded.apollo;
      const key = 'apollo.rules';
      const definition = {
        type: 'boolean',
        variants: { on: true, off: false },
        environments: {
          production: {
            enabled: true,
            offVariant: 'off',
            rules: [
              {
                id: 'beta',
                clauses: [{ attribute: 'plan', op: 'in', values: ['beta'] }],
                serve: { variant: 'on' },
              },
            ],
            fallthrough: { variant: 'off' },
          },
        },
      };
      await apollo.mutate({ mutation: gql(REPLACE), variables: { key, definition } });
      // Read once from the server: a root field (`flag(key)`) is known to the cache only once fetched.
      await apollo.query({ query: gql(FLAG), variables: { key } });
      const flag = new Latest(
        apollo.watchQuery({ query: gql(FLAG), variables: { key }, fetchPolicy: 'cache-only' }),
      );
      try {
        await flag.untilResult((result) => rulesOf(result)?.[0]?.serve.variant === 'on');
        const rollout = {
          weights: [
            { variant: 'on', weight: 1 },
            { variant: 'off', weight: 3 },
          ],
        };
        await apollo.mutate({ mutation: gql(SET_ROLLOUT), variables: { key, ruleId: 'beta', rollout } });
        await flag.untilResult((result) => rulesOf(result)?.[0]?.serve.rollout != null);
        const rules = [
          { clauses: [{ attribute: 'country', op: 'in', values: ['FR'] }], serve: { variant: 'off' } },
          definition.environments.production.rules[0],
        ];
        await apollo.mutate({ mutation: gql(SET_RULES), variables: { key, rules } });
        await flag.untilResult(
          (result) =>
            rulesOf(result)
              ?.map((rule) => rule.ruleId)
              .join() === '#0,beta',
        );
      } finally {
        flag.stop();
      }
    },
  );
});

/** Resolves once the hub holds `count` subscribers. */
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

function rulesOf(result: ApolloResult): Typed['environments'][number]['rules'] | undefined {
  return (result.data as { flag?: Typed } | undefined)?.flag?.environments[0]?.rules;
}

function keysOf(result: ApolloResult): string[] {
  return keys(flagsOf(result) ?? []);
}

function keys(flags: Listed[]): string[] {
  return flags.map((flag) => flag.key);
}

function flagsOf(result: ApolloResult): Listed[] | undefined {
  const data = result.data as { flags?: Listed[] } | undefined;
  return data?.flags;
}

/** The latest value of an Apollo observable, and a way to wait for one that satisfies a condition. */
class Latest {
  private latest: ApolloResult | undefined;
  private failure: unknown;
  private readonly waiters = new Set<() => void>();
  private readonly subscription: { unsubscribe(): void };

  constructor(source: Subscribable<ApolloResult>) {
    this.subscription = source.subscribe({
      next: (value) => {
        this.latest = value;
        this.wake();
      },
      error: (error) => {
        this.failure = error;
        this.wake();
      },
    });
  }

  /** Resolves at the next value (or error). */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Resolves once the latest list satisfies `condition`; rejects on an error or a result with errors. */
  until(condition: (flags: Listed[]) => boolean): Promise<void> {
    return this.untilResult((result) => {
      const flags = flagsOf(result);
      return flags !== undefined && condition(flags);
    });
  }

  /** Resolves once the latest result satisfies `condition`; rejects on an error or a result with errors. */
  async untilResult(condition: (result: ApolloResult) => boolean): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.latest?.error) throw this.latest.error;
      if (this.latest && condition(this.latest)) return;
      await this.next();
    }
  }

  stop(): void {
    this.subscription.unsubscribe();
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }
}
