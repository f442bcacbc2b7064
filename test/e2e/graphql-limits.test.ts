import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import {
  ASSUMED_LIST_SIZE,
  limitRules,
  MAX_ALIASES,
  MAX_COST,
  MAX_DEPTH,
  MAX_DOCUMENT_LENGTH,
  MAX_ROOT_FIELDS,
  MAX_TOKENS,
} from '../../src/graphql/limits.js';
import { subscriptionHubOf } from '../../src/graphql/mount.js';
import type { SubscriptionHub } from '../../src/graphql/subscription-hub.js';
import { client, sendJson, startTestApp } from '../support/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: unknown } }[];
}

const FULL_FLAG = 'key isEnabled description version revision createdAt updatedAt';
const repeat = (count: number, make: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => make(i)).join(' ');

/** A selection nested `levels` fields deep below `flags` (invalid fields: the depth rule still speaks). */
const nested = (levels: number) => `${repeat(levels, (i) => `f${i} {`)} x ${'}'.repeat(levels)}`;

describe('GraphQL abuse limits over HTTP', () => {
  let app: TestApp;
  let get: ReturnType<typeof client>;

  beforeAll(async () => {
    app = await startTestApp();
    get = client(app);
    for (const key of ['limits.a', 'limits.b', 'limits.c']) {
      expect((await sendJson(app, 'POST', '/feature-flags', { key, isEnabled: true })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  const post = async (body: unknown): Promise<{ status: number; body: GraphQLBody }> => {
    const res = await get('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as GraphQLBody };
  };
  const query = (document: string, variables?: Record<string, unknown>) =>
    post({ query: document, ...(variables && { variables }) });
  const etag = async () => (await get('/feature-flags')).headers.get('etag');

  /** Runs `send`, which must be refused with 400 and `code`, and checks that no flag changed. */
  async function refused(
    send: () => Promise<{ status: number; body: GraphQLBody }>,
    code: string,
    message: RegExp,
  ): Promise<void> {
    const before = await etag();
    const { status, body } = await send();
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const error of body.errors ?? []) expect(error.extensions).toEqual({ code });
    expect(body.errors?.map((e) => e.message)).toContainEqual(expect.stringMatching(message));
    expect(await etag()).toBe(before);
  }

  it('still answers ordinary operations, with fragments and up to every limit', async () => {
    const ordinary = await query(
      `query Flags($prefix: String) { flags(prefix: $prefix) { ...FlagFields } }
       fragment FlagFields on Flag { ${FULL_FLAG} }`,
      { prefix: 'limits.' },
    );
    expect(ordinary.status).toBe(200);
    expect(ordinary.body.errors).toBeUndefined();
    expect((ordinary.body.data as { flags: unknown[] }).flags).toHaveLength(3);

    // Exactly at the limits: 15 aliases, 10 root fields, and 7 full listings (cost 7 × 701 = 4907).
    const atLimits = [
      `{ flags { ${repeat(MAX_ALIASES, (i) => `k${i}: key`)} } }`,
      `{ ${repeat(MAX_ROOT_FIELDS, (i) => `f${i}: flag(key: "limits.a") { key }`)} }`,
      `{ ${repeat(7, (i) => `l${i}: flags { ${FULL_FLAG} }`)} }`,
    ];
    for (const document of atLimits) {
      const res = await query(document);
      expect(res.body.errors).toBeUndefined();
      expect(res.status).toBe(200);
    }
  });

  it('still serves the full introspection query outside production', async () => {
    const res = await query(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(res.body.errors).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it(`refuses a query nested deeper than ${MAX_DEPTH} with GRAPHQL_VALIDATION_FAILED`, async () => {
    await refused(
      () => query(`{ flags { ${nested(MAX_DEPTH)} } }`),
      'GRAPHQL_VALIDATION_FAILED',
      new RegExp(`nests fields ${MAX_DEPTH + 2} deep; at most ${MAX_DEPTH}`),
    );
    // Fragments count as if written in place.
    await refused(
      () => query(`{ flags { ...Deep } } fragment Deep on Flag { ${nested(MAX_DEPTH)} }`),
      'GRAPHQL_VALIDATION_FAILED',
      /nests fields \d+ deep/,
    );
  });

  it('refuses an alias flood (100 aliases of flags) and a quieter one (16 aliases under one field)', async () => {
    await refused(
      () => query(`{ ${repeat(100, (i) => `a${i}: flags { key }`)} }`),
      'GRAPHQL_VALIDATION_FAILED',
      new RegExp(`has 100 aliases; at most ${MAX_ALIASES}`),
    );
    const { body } = await query(`{ flags { ${repeat(MAX_ALIASES + 1, (i) => `k${i}: key`)} } }`);
    expect(body.errors?.map((e) => e.message)).toEqual([
      `The query has ${MAX_ALIASES + 1} aliases; at most ${MAX_ALIASES} are allowed`,
    ]);
  });

  it(`refuses a query whose estimated cost passes ${MAX_COST}`, async () => {
    // 8 full listings: 8 × (1 + 100 × 7) = 5608, with only 8 root fields and 8 aliases.
    const costly = `{ ${repeat(8, (i) => `l${i}: flags { ${FULL_FLAG} }`)} }`;
    const { body } = await query(costly);
    expect(body.errors?.map((e) => e.message)).toEqual([
      `The query has an estimated cost of ${8 * (1 + ASSUMED_LIST_SIZE * 7)}; at most ${MAX_COST} is allowed (each field costs 1, a list field multiplies what it selects by ${ASSUMED_LIST_SIZE})`,
    ]);
    await refused(() => query(costly), 'GRAPHQL_VALIDATION_FAILED', /estimated cost/);
  });

  it(`refuses more than ${MAX_ROOT_FIELDS} mutations in one operation and runs none of them`, async () => {
    const mutations = `mutation { ${repeat(
      MAX_ROOT_FIELDS + 1,
      (i) => `m${i}: setFlag(input: { key: "limits.new-${i}", isEnabled: true }) { created }`,
    )} }`;
    await refused(() => query(mutations), 'GRAPHQL_VALIDATION_FAILED', /selects 11 root fields/);
    expect((await get('/feature-flags/limits.new-0')).status).toBe(404);
  });

  it(`refuses a document over ${MAX_DOCUMENT_LENGTH} characters before parsing, POST or GET`, async () => {
    const huge = `mutation { toggleFlag(key: "limits.a") { key } } # ${'x'.repeat(MAX_DOCUMENT_LENGTH)}`;
    await refused(() => query(huge), 'GRAPHQL_PARSE_FAILED', /characters long; at most 10000/);
    await refused(
      async () => {
        const res = await get(
          `/graphql?query=${encodeURIComponent(`{ flags { key } } #${'x'.repeat(10_000)}`)}`,
          {
            headers: { 'apollo-require-preflight': 'true' },
          },
        );
        return { status: res.status, body: (await res.json()) as GraphQLBody };
      },
      'GRAPHQL_PARSE_FAILED',
      /characters long/,
    );
  });

  it(`refuses a document of more than ${MAX_TOKENS} tokens while parsing`, async () => {
    const document = `mutation { toggleFlag(key: "limits.a") { ${'key '.repeat(MAX_TOKENS)} } }`;
    expect(document.length).toBeLessThan(MAX_DOCUMENT_LENGTH);
    await refused(() => query(document), 'GRAPHQL_PARSE_FAILED', /more th(?:an|at) 1000 tokens/);
  });

  it('refuses a batch (a JSON array body) with 400 BAD_REQUEST and runs none of it', async () => {
    const toggle = { query: 'mutation { toggleFlag(key: "limits.a") { isEnabled } }' };
    await refused(() => post([toggle, toggle]), 'BAD_REQUEST', /batching disabled/i);
  });
});

describe('GraphQL abuse limits over graphql-ws', () => {
  let app: TestApp;
  let ws: Client;

  beforeAll(async () => {
    app = await startTestApp();
    ws = createClient({
      url: `${app.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
  });
  afterAll(async () => {
    await ws.dispose();
    await app.stop();
    await app.removeDataDir();
  });

  /** The errors an operation is refused with (it must be refused). */
  const refusal = (query: string) =>
    ws
      .iterate({ query })
      .next()
      .then(
        (result) => ({ unexpected: result }),
        (err: unknown) => err,
      );

  it('refuses over-limit documents with the same codes, and the socket stays usable', async () => {
    const cases = [
      {
        query: `subscription { flagChanged { flag { ${nested(MAX_DEPTH)} } } }`,
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: /nests fields \d+ deep/,
      },
      {
        query: `{ flags { ${repeat(MAX_ALIASES + 1, (i) => `k${i}: key`)} } }`,
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: /aliases/,
      },
      {
        query: `{ ${repeat(8, (i) => `l${i}: flags { ${FULL_FLAG} }`)} }`,
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: /estimated cost/,
      },
      {
        query: `mutation { ${repeat(MAX_ROOT_FIELDS + 1, (i) => `m${i}: deleteFlag(key: "x${i}") { key }`)} }`,
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: /root fields/,
      },
      {
        query: `subscription { flagChanged { key } } # ${'x'.repeat(MAX_DOCUMENT_LENGTH)}`,
        code: 'GRAPHQL_PARSE_FAILED',
        message: /characters long/,
      },
      {
        query: `subscription { flagChanged { ${'key '.repeat(MAX_TOKENS)} } }`,
        code: 'GRAPHQL_PARSE_FAILED',
        message: /tokens/,
      },
    ];
    for (const { query, code, message } of cases) {
      const errors = await refusal(query);
      expect(Array.isArray(errors)).toBe(true);
      for (const error of errors as { extensions?: unknown }[]) expect(error.extensions).toEqual({ code });
      expect((errors as { message: string }[]).map((e) => e.message)).toContainEqual(
        expect.stringMatching(message),
      );
    }

    // The same socket still subscribes and delivers.
    const hub = subscriptionHubOf(app.server) as SubscriptionHub;
    const subscription = ws.iterate<{ flagChanged: { key: string } }>({
      query: 'subscription { flagChanged(prefix: "ws.") { key } }',
    });
    try {
      await new Promise<void>((resolve) => {
        if (hub.subscriberCount === 1) return resolve();
        const off = hub.onCountChange((count) => {
          if (count !== 1) return;
          off();
          resolve();
        });
      });
      await sendJson(app, 'POST', '/feature-flags', { key: 'ws.after' });
      expect((await subscription.next()).value).toEqual({ data: { flagChanged: { key: 'ws.after' } } });
    } finally {
      await subscription.return?.();
    }
  });
});

describe('the limit rules on their own, against a recursive schema', () => {
  const schema = buildSchema(`
    type Node { id: ID! child: Node children: [Node!]! }
    type Query { node: Node nodes: [Node!]! }
  `);
  const rules = [...specifiedRules, ...limitRules({ introspection: true })];
  const messages = (document: string) => validate(schema, parse(document), rules).map((e) => e.message);
  const chain = (levels: number) => `${'child { '.repeat(levels)}id${' }'.repeat(levels)}`;

  it(`counts depth through fields, inline fragments and fragment spreads: ${MAX_DEPTH} passes, ${MAX_DEPTH + 1} fails`, () => {
    expect(messages(`{ node { ${chain(MAX_DEPTH - 2)} } }`)).toEqual([]);
    expect(messages(`{ node { ${chain(MAX_DEPTH - 1)} } }`)).toEqual([
      `The query nests fields ${MAX_DEPTH + 1} deep; at most ${MAX_DEPTH} is allowed`,
    ]);
    const viaFragments = `query Q { node { ... on Node { ...A } } }
      fragment A on Node { child { ...B } }
      fragment B on Node { ${chain(MAX_DEPTH - 2)} }`;
    expect(messages(viaFragments)).toEqual([
      `Query 'Q' nests fields ${MAX_DEPTH + 1} deep; at most ${MAX_DEPTH} is allowed`,
    ]);
  });

  it('multiplies nested lists and counts a fragment at every spread', () => {
    // 1 + 100 × (1 + 100 × 1) = 10101.
    expect(messages('{ nodes { children { id } } }')).toEqual([expect.stringMatching(/cost of 10101;/)]);
    // F costs 3 (`id` 1, `child { id }` 2) at each spread: 16 spreads under `nodes` cost 1 + 100 × 48 =
    // 4801, 17 cost 5101.
    const spreads = (count: number) =>
      `{ nodes { ${'...F '.repeat(count)} } } fragment F on Node { id child { id } }`;
    expect(messages(spreads(16))).toEqual([]);
    expect(messages(spreads(17))).toEqual([expect.stringMatching(/cost of 5101;/)]);
  });

  it('counts aliases and root fields through fragments', () => {
    const aliases = `{ node { ...A ...A } } fragment A on Node { ${repeat(8, (i) => `a${i}: id`)} }`;
    expect(messages(aliases)).toEqual([expect.stringMatching(/has 16 aliases/)]);
    const roots = `{ ...R ... on Query { node { id } } } fragment R on Query { ${repeat(10, (i) => `n${i}: node { id }`)} }`;
    expect(messages(roots)).toEqual([expect.stringMatching(/selects 11 root fields/)]);
  });

  it('measures each operation of a document on its own', () => {
    const document = `query Ok { node { id } } query Deep { node { ${chain(MAX_DEPTH)} } }`;
    expect(messages(document)).toEqual([expect.stringMatching(/^Query 'Deep' nests fields/)]);
  });

  it('survives fragment cycles and exponential fragment fan-out, leaving cycles to graphql-js', () => {
    expect(
      messages('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { ...A }'),
    ).toEqual([expect.stringMatching(/Cannot spread fragment "A" within itself/)]);
    // Each fragment spreads the next twice: 2^60 spreads of `id` as written, measured in linear time.
    const fanOut = Array.from(
      { length: 60 },
      (_, i) => `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`,
    );
    const document = `{ node { ...F0 } } ${fanOut.join(' ')} fragment F60 on Node { id }`;
    expect(messages(document)).toEqual([expect.stringMatching(/estimated cost of more than/)]);
  });

  it('measures introspection like any field when introspection is off', () => {
    const off = [...specifiedRules, ...limitRules({ introspection: false })];
    const errors = validate(schema, parse(getIntrospectionQuery()), off).map((e) => e.message);
    expect(errors).toContainEqual(expect.stringMatching(/nests fields \d+ deep/));
    expect(errors).toContainEqual(expect.stringMatching(/estimated cost/));
    expect(validate(schema, parse(getIntrospectionQuery()), rules)).toEqual([]);
  });
});
