import type { EvaluationContext, FlagDefinition, Segment } from '@flagwire/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { client, sendJson, startTestApp } from '../support/app.js';
import { graphql } from '../support/graphql-client.js';
import { contextArbitrary, flagKeyOf, flagSetArbitrary, segmentArbitrary } from '../support/random-flags.js';
import { EVERY_STORE } from '../support/store-kinds.js';

/*
 * "asOf answers what the service answered then": random histories (creates, replaces, seed writes,
 * toggles, rule and rollout changes, promotions, deletes, segment changes and deletes, a new environment)
 * go through the real app; after every write the whole state is recorded as the app served it then
 * (REST lists, per environment, segments, environments, GraphQL evaluations). Then, for every recorded
 * revision, random others and the times of the history's entries, every `asOf` read (REST list, GraphQL
 * flag and evaluateAll, OFREP single-flag and bulk) must equal the recorded answer. Over memory, file and MongoDB stores.
 */

const PREFIX = 'tt.';
const FLAG_COUNT = 4;
const SEGMENTS = ['tt-s0', 'tt-s1'];
const ENVIRONMENTS = ['production', 'staging'];
const RUNS = 3;
/** Far beyond any revision a test reaches: `asOf` it answers the live state. */
const NOW = '9007199254740991';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
type Json = Record<string, unknown>;

interface Recorded {
  revision: number;
  /** `GET /feature-flags`, and `?environment=` per environment that existed (else its error code). */
  lists: Record<string, unknown>;
  segments: unknown;
  environments: unknown;
  /** GraphQL `evaluateAll` per environment and context index (or its error code). */
  evaluations: Record<string, unknown>;
}

type Op =
  | { op: 'put'; i: number; v: number; staging: boolean }
  | { op: 'seed'; i: number; on: boolean; env: string }
  | { op: 'toggle'; i: number; env: string }
  | { op: 'rules'; i: number; v: number; env: string }
  | { op: 'rollout'; i: number; env: string; weights: [number, number] }
  | { op: 'delete'; i: number }
  | { op: 'segment'; s: number; v: number }
  | { op: 'segmentDelete'; s: number }
  | { op: 'promote'; i: number }
  | { op: 'environment' };

const env = fc.constantFrom(...ENVIRONMENTS);
const flag = fc.integer({ min: 0, max: FLAG_COUNT - 1 });
const version = fc.integer({ min: 0, max: 1 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('put'), i: flag, v: version, staging: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('seed'), i: flag, on: fc.boolean(), env }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('toggle'), i: flag, env }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rules'), i: flag, v: version, env }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('rollout'),
      i: flag,
      env,
      weights: fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 100 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete'), i: flag }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('segment'), s: fc.integer({ min: 0, max: 1 }), v: version }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('segmentDelete'), s: fc.integer({ min: 0, max: 1 }) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('promote'), i: flag }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('environment') }) },
) as fc.Arbitrary<Op>;

const historyArbitrary = fc.record({
  docs: fc.tuple(
    flagSetArbitrary(PREFIX, FLAG_COUNT, SEGMENTS),
    flagSetArbitrary(PREFIX, FLAG_COUNT, SEGMENTS),
  ),
  segmentDocs: fc.tuple(
    fc.tuple(...SEGMENTS.map((key) => segmentArbitrary(key))),
    fc.tuple(...SEGMENTS.map((key) => segmentArbitrary(key))),
  ),
  // Every run starts with staging, both segments and every flag, and one write of each kind (so the
  // random ones that follow mostly apply), then goes on at random.
  ops: fc
    .array(opArbitrary, { minLength: 16, maxLength: 28 })
    .map((ops): Op[] => [
      { op: 'environment' },
      { op: 'segment', s: 0, v: 0 },
      { op: 'segment', s: 1, v: 0 },
      ...Array.from({ length: FLAG_COUNT }, (_, i): Op => ({ op: 'put', i, v: 0, staging: true })),
      { op: 'toggle', i: 0, env: 'staging' },
      { op: 'rules', i: 1, v: 0, env: 'staging' },
      { op: 'rollout', i: 2, env: 'production', weights: [30, 70] },
      { op: 'promote', i: 3 },
      { op: 'seed', i: 0, on: true, env: 'production' },
      ...ops,
      { op: 'delete', i: 2 },
    ]),
  probes: fc.array(fc.nat(), { minLength: 6, maxLength: 10 }),
  seed: fc.nat(),
});
type History = typeof historyArbitrary extends fc.Arbitrary<infer H> ? H : never;

/** The contexts every state is evaluated for (fixed, so every recorded state can be checked in any run). */
const CONTEXTS: EvaluationContext[] = fc.sample(contextArbitrary, { numRuns: 3, seed: 11 });

/** Flag document `i` of set `v` (random-flags.ts writes them without the defaults the service fills in). */
function docOf(history: History, v: number, i: number): FlagDefinition {
  return history.docs[v]?.[i] as unknown as FlagDefinition;
}

const EVALUATION = 'key value variant reason errorCode environment decision { kind index ruleId }';

describe.each(EVERY_STORE())('asOf answers the state then, over $name', (kind) => {
  let app: TestApp;
  const states = new Map<number, Recorded>();

  beforeAll(async () => {
    const { env, overrides } = await kind.setup();
    app = await startTestApp(
      { ...env, WRITE_RATE_BURST: '100000', WRITE_RATE_PER_MINUTE: '1000000' },
      overrides,
    );
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    await kind.stop();
  });

  const get = async (path: string) => {
    const res = await client(app)(path);
    return { status: res.status, header: res.headers.get('flagwire-as-of-revision'), body: await res.json() };
  };

  /** The live revision (an `asOf` beyond it answers the live state, with its revision). */
  const liveRevision = async () =>
    ((
      await graphql<{ historyPoint: { revision: number } }>(
        app,
        `{ historyPoint(asOf: "${NOW}") { revision } }`,
      )
    ).data?.historyPoint.revision ?? -1) as number;

  const evaluations = async (asOf?: string) => {
    const out: Record<string, unknown> = {};
    for (const environment of ENVIRONMENTS)
      for (const [index, context] of CONTEXTS.entries()) {
        const answer = await graphql<{ evaluateAll: Json[] }>(
          app,
          `query ($context: JSON!, $environment: String, $asOf: String) {
            evaluateAll(context: $context, environment: $environment, prefix: "${PREFIX}", asOf: $asOf) { ${EVALUATION} asOfRevision }
          }`,
          { context, environment, asOf: asOf ?? null },
        );
        out[`${environment}|${index}`] = answer.errors
          ? answer.errors[0]?.extensions?.code
          : answer.data?.evaluateAll.map(({ asOfRevision: _, ...rest }) => rest);
      }
    return out;
  };

  const lists = async (asOf?: string) => {
    const query = asOf === undefined ? '' : `asOf=${encodeURIComponent(asOf)}`;
    const out: Record<string, unknown> = {};
    const answer = (res: Awaited<ReturnType<typeof get>>) =>
      res.status === 200 ? res.body : (res.body as { error: { code: string } }).error.code;
    out['*'] = answer(await get(`/feature-flags?${query}`));
    for (const environment of ENVIRONMENTS)
      out[environment] = answer(await get(`/feature-flags?environment=${environment}&${query}`));
    return out;
  };

  const record = async () => {
    const revision = await liveRevision();
    states.set(revision, {
      revision,
      lists: await lists(),
      segments: (await get('/segments')).body,
      environments: (await get('/environments')).body,
      evaluations: await evaluations(),
    });
  };

  /** The recorded state at `revision`: the one of the last write at or below it. */
  const stateAt = (revision: number): Recorded => {
    let best: Recorded | undefined;
    for (const state of states.values())
      if (state.revision <= revision && (!best || state.revision > best.revision)) best = state;
    if (!best) throw new Error(`no state recorded at or below ${revision}`);
    return best;
  };

  const apply = async (history: History, op: Op): Promise<void> => {
    const key = flagKeyOf(PREFIX, 'i' in op ? op.i : 0);
    const flags = (states.get(await liveRevision())?.lists['*'] ?? []) as Array<{
      key: string;
      definition: FlagDefinition;
    }>;
    const current = flags.find((f) => f.key === key);
    switch (op.op) {
      case 'environment':
        await sendJson(app, 'POST', '/environments', { key: 'staging' });
        return;
      case 'put': {
        const doc = docOf(history, op.v, op.i);
        const production = doc.environments.production as FlagDefinition['environments'][string];
        const environments = op.staging
          ? { production, staging: { ...production, enabled: !production.enabled } }
          : { production };
        await sendJson(app, 'PUT', `/feature-flags/${key}`, { ...doc, environments });
        return;
      }
      case 'seed':
        await sendJson(app, 'POST', `/feature-flags?environment=${op.env}`, { key, isEnabled: op.on });
        return;
      case 'toggle':
        await graphql(app, `mutation { toggleFlag(key: "${key}", environment: "${op.env}") { key } }`);
        return;
      case 'rules': {
        const rules = docOf(history, op.v, op.i).environments.production?.rules ?? [];
        await graphql(
          app,
          `mutation ($rules: JSON!) { setRules(key: "${key}", environment: "${op.env}", rules: $rules) { key } }`,
          { rules },
        );
        return;
      }
      case 'rollout': {
        const variants = Object.keys(current?.definition.variants ?? {});
        if (variants.length < 2) return;
        const weights = variants.slice(0, 2).map((variant, i) => ({ variant, weight: op.weights[i] }));
        await graphql(
          app,
          `mutation ($weights: [WeightInput!]!) { setRollout(key: "${key}", environment: "${op.env}", rollout: { weights: $weights }) { key } }`,
          { weights },
        );
        return;
      }
      case 'delete':
        await client(app)(`/feature-flags/${key}`, { method: 'DELETE' });
        return;
      case 'segment': {
        const doc = history.segmentDocs[op.v]?.[op.s] as Segment;
        await sendJson(app, 'PUT', `/segments/${SEGMENTS[op.s]}`, doc);
        return;
      }
      case 'segmentDelete':
        await client(app)(`/segments/${SEGMENTS[op.s]}`, { method: 'DELETE' });
        return;
      case 'promote': {
        const preview = await sendJson(app, 'POST', '/environments/production/promotions', {
          from: 'staging',
          flags: [key],
          dryRun: true,
        });
        if (preview.status !== 200) return;
        const { flags: previewed } = (await preview.json()) as {
          flags: Array<{ key: string; version: number }>;
        };
        await sendJson(app, 'POST', '/environments/production/promotions', {
          from: 'staging',
          flags: [key],
          expectedVersions: Object.fromEntries(previewed.map((f) => [f.key, f.version])),
        });
        return;
      }
    }
  };

  /** OFREP bulk evaluation with `asOf`: every flag as GraphQL `evaluateAll` answered then. */
  const expectBulkAsOf = async (
    asOf: string,
    environment: string,
    contextIndex: number,
    expected: unknown,
    answeredRevision: string,
  ) => {
    const res = await sendJson(
      app,
      'POST',
      `/ofrep/v1/evaluate/flags?environment=${environment}&asOf=${encodeURIComponent(asOf)}`,
      { context: CONTEXTS[contextIndex] },
    );
    const body = (await res.json()) as { flags: Json[]; metadata: Json; errorCode?: string };
    if (typeof expected === 'string') {
      // The environment did not exist then: refused as a bad request, as without asOf.
      expect({ asOf, status: res.status, errorCode: body.errorCode }).toEqual({
        asOf,
        status: 400,
        errorCode: 'GENERAL',
      });
      return;
    }
    expect({ asOf, status: res.status, header: res.headers.get('flagwire-as-of-revision') }).toEqual({
      asOf,
      status: 200,
      header: answeredRevision,
    });
    expect(body.metadata).toEqual({ environment, asOfRevision: Number(answeredRevision) });
    const answered = body.flags
      .filter((flag) => String(flag.key).startsWith(PREFIX))
      .map((flag) =>
        flag.errorCode === undefined
          ? { key: flag.key, value: flag.value ?? null, variant: flag.variant ?? null, reason: flag.reason }
          : { key: flag.key, errorCode: flag.errorCode },
      );
    expect({ asOf, answered }).toEqual({
      asOf,
      answered: (expected as Json[]).map((e) =>
        e.errorCode === null
          ? { key: e.key, value: e.value, variant: e.variant, reason: e.reason }
          : { key: e.key, errorCode: e.errorCode },
      ),
    });
  };

  /** Every read with `asOf` equals what was recorded at the revision it names. */
  const expectAsOf = async (asOf: string, expectedRevision: number, history: History, probe: number) => {
    const live = await liveRevision();
    const state = stateAt(expectedRevision);
    const answeredRevision = String(Math.min(expectedRevision, live));
    const all = await get(`/feature-flags?asOf=${encodeURIComponent(asOf)}`);
    expect({ asOf, status: all.status, header: all.header }).toEqual({
      asOf,
      status: 200,
      header: answeredRevision,
    });
    expect(await lists(asOf)).toEqual(state.lists);
    expect((await get(`/segments?asOf=${encodeURIComponent(asOf)}`)).body).toEqual(state.segments);
    expect((await get(`/environments?asOf=${encodeURIComponent(asOf)}`)).body).toEqual(state.environments);
    expect(await evaluations(asOf)).toEqual(state.evaluations);

    // One flag through GraphQL `flag`, and through OFREP for one context.
    const key = flagKeyOf(PREFIX, probe % FLAG_COUNT);
    const recorded = (state.lists['*'] as Json[]).find((f) => f.key === key);
    const one = await graphql<{ flag: Json | null }>(
      app,
      `query ($asOf: String) { flag(key: "${key}", asOf: $asOf) { id key version revision isEnabled description createdAt updatedAt definition } }`,
      { asOf },
    );
    expect(one.data?.flag ?? null).toEqual(
      recorded
        ? {
            ...recorded,
            id: Number(answeredRevision) === live ? key : `${key}#${recorded.revision}`,
          }
        : null,
    );
    const contextIndex = (probe + history.seed) % CONTEXTS.length;
    const environment = ENVIRONMENTS[probe % 2] as string;
    const expected = state.evaluations[`${environment}|${contextIndex}`];
    await expectBulkAsOf(asOf, environment, contextIndex, expected, answeredRevision);
    const ofrep = await sendJson(
      app,
      'POST',
      `/ofrep/v1/evaluate/flags/${key}?environment=${environment}&asOf=${encodeURIComponent(asOf)}`,
      { context: CONTEXTS[contextIndex] },
    );
    const body = (await ofrep.json()) as Json;
    if (typeof expected === 'string') {
      // The environment did not exist then: refused as a bad request, as without asOf.
      expect({ status: ofrep.status, errorCode: body.errorCode }).toEqual({
        status: 400,
        errorCode: 'GENERAL',
      });
      return;
    }
    const evaluation = (expected as Json[]).find((e) => e.key === key);
    if (!evaluation) {
      expect({ status: ofrep.status, errorCode: body.errorCode }).toEqual({
        status: 404,
        errorCode: 'FLAG_NOT_FOUND',
      });
      return;
    }
    if (evaluation.errorCode !== null) {
      expect(body.errorCode).toBe(evaluation.errorCode);
      return;
    }
    expect(ofrep.status).toBe(200);
    expect({ value: body.value ?? null, variant: body.variant ?? null, reason: body.reason }).toEqual({
      value: evaluation.value,
      variant: evaluation.variant,
      reason: evaluation.reason,
    });
    expect(ofrep.headers.get('flagwire-as-of-revision')).toBe(answeredRevision);
  };

  it('answers every earlier revision and time exactly as the service answered then', async () => {
    await record();
    await fc.assert(
      fc.asyncProperty(historyArbitrary, async (history) => {
        for (const op of history.ops) {
          await apply(history, op);
          await record();
        }
        const live = await liveRevision();
        // Every state recorded (earlier runs' too), then any revision at all (holes, the future).
        const revisions = [...states.keys()].filter((revision) => revision < live);
        for (const [n, revision] of revisions.entries())
          await expectAsOf(String(revision), revision, history, n);
        // Any revision at all (holes, the future), and moments in time.
        for (const [n, probe] of history.probes.entries()) {
          const revision = probe % (live + 3);
          await expectAsOf(String(revision), revision, history, n);
        }
        const entries = (
          (await get('/audit?limit=500')).body as { entries: Array<{ revision: number; at: string }> }
        ).entries;
        for (const [n, probe] of history.probes.slice(0, 4).entries()) {
          const entry = entries[probe % entries.length];
          if (!entry) continue;
          for (const time of [entry.at, new Date(Date.parse(entry.at) - 1).toISOString()]) {
            const revision = Math.max(0, ...entries.filter((e) => e.at <= time).map((e) => e.revision));
            await expectAsOf(time, revision, history, n);
          }
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // The histories did go through every kind of write (a property over no-ops would prove nothing).
    const actions = new Set(
      ((await get('/audit?limit=500')).body as { entries: Array<{ action: string }> }).entries.map(
        (entry) => entry.action,
      ),
    );
    for (const action of [
      'create',
      'replace',
      'update',
      'toggle',
      'set-rules',
      'set-rollout',
      'promote',
      'delete',
    ])
      expect(actions).toContain(action);
    for (const action of ['environment-create', 'segment-create', 'segment-replace'])
      expect(actions).toContain(action);
    expect(states.size).toBeGreaterThan(40);
  }, 600_000);
});
