import {
  type EvaluationContext,
  evaluate,
  type FlagDefinition,
  type FlagType,
  type JsonValue,
  type Segment,
  validateSegment,
} from '@flagwire/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createFlagClient, type EvaluationDetails, type FlagClient } from '../../client/src/index.js';
import { segmentRecordKey } from '../../src/flags/flag.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { sendJson, startTestApp } from '../support/app.js';
import { asCreate } from '../support/audit.js';
import { contextArbitrary, flagSetArbitrary, segmentArbitrary } from '../support/random-flags.js';

/*
 * "For any definition and context the server's answer and the client's local answer are identical":
 * random valid definitions are PUT to a running app; for thousands of random contexts, each flag's
 * OFREP answer is compared with @flagwire/client's local evaluation, fed by the same server.
 *
 * The second property adds segments (rules with segmentMatch) and compares OFREP both with
 * @flagwire/core's `evaluate` given the same definitions and segments and with the client library,
 * which receives the segments from the server like the flags.
 */

const FLAGS_PER_SET = 4;
const SETS = 4;
const CONTEXTS_PER_SET = 750;
/** Requests in flight at once. */
const CONCURRENCY = 16;

/** A caller's default per type: what the client answers when no variant is served. */
const DEFAULTS: Record<FlagType, JsonValue> = {
  boolean: false,
  string: 'caller-default',
  number: -1,
  object: { callerDefault: true },
};

interface Answer {
  value: JsonValue | undefined;
  variant: string | undefined;
  reason: string;
  errorCode: string | undefined;
}

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

async function overOfrep(app: TestApp, key: string, context: EvaluationContext): Promise<Answer> {
  const res = await sendJson(app, 'POST', `/ofrep/v1/evaluate/flags/${key}`, { context });
  const body = (await res.json()) as Record<string, unknown>;
  if (typeof body.errorCode === 'string') {
    expect(res.status).toBe(body.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400);
    return { value: undefined, variant: undefined, reason: 'ERROR', errorCode: body.errorCode };
  }
  expect(res.status).toBe(200);
  return {
    value: body.value as JsonValue | undefined,
    variant: body.variant as string | undefined,
    reason: body.reason as string,
    errorCode: undefined,
  };
}

function locally(client: FlagClient, key: string, type: FlagType, context: EvaluationContext): Answer {
  const details: EvaluationDetails<JsonValue> =
    type === 'boolean'
      ? client.getBooleanDetails(key, DEFAULTS.boolean as boolean, context)
      : type === 'string'
        ? client.getStringDetails(key, DEFAULTS.string as string, context)
        : type === 'number'
          ? client.getNumberDetails(key, DEFAULTS.number as number, context)
          : client.getObjectDetails(key, DEFAULTS.object, context);
  return {
    // OFREP leaves the value out where the caller's default applies: so does this side.
    value: details.variant === undefined ? undefined : details.value,
    variant: details.variant,
    reason: details.reason,
    errorCode: details.errorCode,
  };
}

/** Runs `work` over `items`, `limit` at a time. */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(work));
}

describe('OFREP and the client library agree (property, over the wire)', () => {
  let app: TestApp;
  let set = 0;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('answers the same value, variant, reason and error code over OFREP as the client evaluating locally, for random definitions and thousands of random contexts', async () => {
    let compared = 0;
    const reasons = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.integer().chain(() => {
          const prefix = `s${++set}.`;
          return fc.tuple(
            fc.constant(prefix),
            flagSetArbitrary(prefix, FLAGS_PER_SET),
            // The contexts' seed, not the contexts: a counterexample stays short enough to read.
            fc.integer(),
          );
        }),
        async ([prefix, definitions, contextSeed]) => {
          const contexts = fc.sample(contextArbitrary, { numRuns: CONTEXTS_PER_SET, seed: contextSeed });
          for (const definition of definitions) {
            const res = await sendJson(app, 'PUT', `/feature-flags/${definition.key}`, definition);
            if (res.status !== 201)
              throw new Error(`PUT ${definition.key}: ${res.status} ${await res.text()}`);
          }
          // A client of its own, started after the writes, holds exactly this set.
          const client = createFlagClient({ url: app.url, mode: 'poll', prefix, pollIntervalMs: 60_000 });
          try {
            await client.ready(5000);
            const cases = contexts.flatMap((context) =>
              definitions.map((definition) => ({ definition, context })),
            );
            await inBatches(cases, CONCURRENCY, async ({ definition, context }) => {
              const remote = await overOfrep(app, definition.key, context);
              const local = locally(client, definition.key, definition.type, context);
              if (JSON.stringify(remote) !== JSON.stringify(local)) {
                throw new Error(
                  `disagreement on ${JSON.stringify(definition)}\ncontext ${JSON.stringify(context)}\n` +
                    `OFREP ${JSON.stringify(remote)}\nlocal ${JSON.stringify(local)}`,
                );
              }
              compared++;
              reasons.set(
                remote.errorCode ?? remote.reason,
                (reasons.get(remote.errorCode ?? remote.reason) ?? 0) + 1,
              );
            });
          } finally {
            await client.close();
          }
        },
      ),
      { numRuns: SETS, endOnFailure: true },
    );
    expect(compared).toBe(SETS * FLAGS_PER_SET * CONTEXTS_PER_SET);
    // The generators reach every answer the evaluator gives for valid definitions (else the property
    // would say little): rules, targets, rollouts, prerequisites and a missing bucketing attribute.
    for (const seen of ['TARGETING_MATCH', 'SPLIT', 'DEFAULT', 'DISABLED', 'TARGETING_KEY_MISSING'])
      expect([seen, (reasons.get(seen) ?? 0) > 0]).toEqual([seen, true]);
  }, 120_000);
});

describe('OFREP reads segments from the snapshot (property, over the wire)', () => {
  const SEGMENT_KEYS = ['beta', 'staff', 'vip'];
  let app: TestApp;
  let segments: Map<string, Segment>;
  let set = 0;

  beforeAll(async () => {
    // Random segments, written as the segments API will write them (it does not exist yet): straight
    // into the store, before the app starts and loads its snapshot from it.
    const store = new MemoryFlagStore();
    segments = new Map();
    const drawn = fc.sample(fc.tuple(...SEGMENT_KEYS.map((key) => segmentArbitrary(key))), 1)[0] ?? [];
    for (const input of drawn) {
      const valid = validateSegment(input);
      if (!valid.ok) throw new Error(`generated segment refused: ${JSON.stringify(valid.issues)}`);
      segments.set(valid.value.key, valid.value);
      await store.insert(
        segmentRecordKey(valid.value.key),
        { kind: 'segment', definition: valid.value },
        asCreate,
      );
    }
    app = await startTestApp({}, { store });
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it("answers what @flagwire/core's evaluate and the client evaluating locally answer given the same definitions and segments, for random definitions with segmentMatch rules and thousands of contexts", async () => {
    let ruleDecided = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer().chain(() => {
          const prefix = `g${++set}.`;
          return fc.tuple(
            fc.constant(prefix),
            flagSetArbitrary(prefix, FLAGS_PER_SET, SEGMENT_KEYS),
            fc.integer(),
          );
        }),
        async ([prefix, documents, contextSeed]) => {
          const flags = new Map<string, FlagDefinition>();
          for (const document of documents) {
            const res = await sendJson(app, 'PUT', `/feature-flags/${document.key}`, document);
            if (res.status !== 201) throw new Error(`PUT ${document.key}: ${res.status} ${await res.text()}`);
            flags.set(document.key, ((await res.json()) as { definition: FlagDefinition }).definition);
          }
          const contexts = fc.sample(contextArbitrary, { numRuns: CONTEXTS_PER_SET / 2, seed: contextSeed });
          const cases = contexts.flatMap((context) =>
            documents.map(({ key, type }) => ({ key, type, context })),
          );
          // The client fetches the segments its flags name (poll mode: GET /segments), like the flags.
          const client = createFlagClient({ url: app.url, mode: 'poll', prefix, pollIntervalMs: 60_000 });
          await client.ready(5000);
          try {
            await inBatches(cases, CONCURRENCY, async ({ key, type, context }) => {
              const remote = await overOfrep(app, key, context);
              const local = locally(client, key, type, context);
              if (JSON.stringify(remote) !== JSON.stringify(local))
                throw new Error(
                  `client disagrees on ${JSON.stringify(flags.get(key))}\ncontext ${JSON.stringify(context)}\n` +
                    `OFREP ${JSON.stringify(remote)}\nlocal ${JSON.stringify(local)}`,
                );
              const result = evaluate(flags.get(key), 'production', context, {
                defaultValue: null,
                flags,
                segments,
              });
              const expected: Answer = {
                value: result.variant === undefined ? undefined : result.value,
                variant: result.variant,
                reason: result.reason,
                errorCode: result.errorCode,
              };
              if (JSON.stringify(remote) !== JSON.stringify(expected))
                throw new Error(
                  `disagreement on ${JSON.stringify(flags.get(key))}\ncontext ${JSON.stringify(context)}\n` +
                    `OFREP ${JSON.stringify(remote)}\nevaluate ${JSON.stringify(expected)}`,
                );
              if (result.decision?.kind === 'rule') ruleDecided++;
            });
          } finally {
            await client.close();
          }
        },
      ),
      { numRuns: SETS, endOnFailure: true },
    );
    expect(ruleDecided).toBeGreaterThan(0);
  }, 120_000);
});
