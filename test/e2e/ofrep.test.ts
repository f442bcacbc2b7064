import { fromLegacyFlag, legacyEnvironmentConfig } from '@flagwire/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { environmentRecordKey, segmentRecordKey } from '../../src/flags/flag.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { sendJson, startTestApp } from '../support/app.js';

/*
 * OFREP's single-flag evaluation (open-feature/protocol, service/openapi.yaml), one test per status and
 * body the protocol gives, against the real app.
 */

const ADMIN = 'admin-token-0123456789abcdef';
const READER = 'client-token-0123456789abcdef';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const BODY_LIMIT = 4096;

/** The example, with its prerequisite and segment. */
const NEW_FLOW = {
  type: 'string',
  variants: { control: 'v1', treatment: 'v2', off: 'v0' },
  environments: {
    production: {
      enabled: true,
      offVariant: 'off',
      prerequisites: [{ flag: 'checkout.enabled', variants: ['on'] }],
      targets: [{ variant: 'treatment', values: ['user-17', 'user-42'] }],
      rules: [
        {
          id: 'pro-plans',
          clauses: [
            { attribute: 'plan', op: 'in', values: ['pro', 'team'] },
            { attribute: 'country', op: 'in', values: ['FR'], negate: true },
          ],
          serve: { variant: 'treatment' },
        },
        {
          clauses: [{ op: 'segmentMatch', values: ['beta-testers'] }],
          serve: {
            rollout: {
              weights: [
                { variant: 'treatment', weight: 50 },
                { variant: 'control', weight: 50 },
              ],
            },
          },
        },
      ],
      fallthrough: { variant: 'control' },
    },
    staging: { enabled: true, offVariant: 'off', fallthrough: { variant: 'treatment' } },
  },
};

const ROLLOUT = {
  type: 'boolean',
  variants: { on: true, off: false },
  environments: {
    production: {
      enabled: true,
      offVariant: 'off',
      fallthrough: {
        rollout: {
          weights: [
            { variant: 'on', weight: 1 },
            { variant: 'off', weight: 1 },
          ],
        },
      },
    },
  },
};

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

function evaluateOver(
  app: TestApp,
  key: string,
  body: unknown,
  headers: Record<string, string> = bearer(READER),
  query = '',
) {
  return sendJson(app, 'POST', `/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}${query}`, body, headers);
}

async function answer(res: Response): Promise<{ status: number; body: unknown }> {
  return { status: res.status, body: await res.json() };
}

describe('POST /ofrep/v1/evaluate/flags/{key}: OFREP single-flag evaluation', () => {
  let app: TestApp;

  beforeAll(async () => {
    // What the segments and environments APIs will write; until they exist, written to the store directly.
    const store = new MemoryFlagStore();
    await store.insert(segmentRecordKey('beta-testers'), {
      kind: 'segment',
      definition: { key: 'beta-testers', description: '', included: ['user-9'], excluded: [], rules: [] },
    });
    await store.insert(environmentRecordKey('staging'), {
      kind: 'environment',
      definition: { key: 'staging', description: '' },
    });
    // A definition validation would refuse (its offVariant is no variant): only a store written by
    // something else than this service can hold one.
    const broken = fromLegacyFlag({ key: 'broken', isEnabled: true });
    const production = legacyEnvironmentConfig(true);
    await store.insert('broken', {
      kind: 'flag',
      definition: {
        ...broken,
        environments: { production: { ...production, offVariant: 'gone' } },
      },
    });
    app = await startTestApp(
      { ADMIN_TOKENS: ADMIN, CLIENT_TOKENS: READER, BODY_LIMIT_BYTES: String(BODY_LIMIT) },
      { store },
    );
    const put = async (key: string, definition: unknown) => {
      const res = await sendJson(app, 'PUT', `/feature-flags/${key}`, definition, bearer(ADMIN));
      expect(res.status).toBe(201);
    };
    await put('checkout.enabled', fromLegacyFlag({ key: 'checkout.enabled', isEnabled: true }));
    await put('checkout.new-flow', NEW_FLOW);
    await put('rollout', ROLLOUT);
    await put('nowhere', { type: 'boolean', variants: { on: true, off: false }, environments: {} });
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('answers 200 with key, value, variant, reason TARGETING_MATCH and metadata naming the rule that matched', async () => {
    const res = await evaluateOver(app, 'checkout.new-flow', {
      context: { targetingKey: 'user-1', plan: 'pro', country: 'DE' },
    });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await answer(res)).toEqual({
      status: 200,
      body: {
        key: 'checkout.new-flow',
        value: 'v2',
        variant: 'treatment',
        reason: 'TARGETING_MATCH',
        metadata: {
          environment: 'production',
          flagVersion: 1,
          decidedBy: 'rule',
          ruleIndex: 0,
          ruleId: 'pro-plans',
        },
      },
    });
  });

  it('answers TARGETING_MATCH for an individual target, SPLIT for a segment member in a rollout, DEFAULT for the fallthrough', async () => {
    const target = await evaluateOver(app, 'checkout.new-flow', { context: { targetingKey: 'user-42' } });
    expect(await target.json()).toMatchObject({
      variant: 'treatment',
      reason: 'TARGETING_MATCH',
      metadata: { decidedBy: 'target', targetIndex: 0 },
    });
    // user-9 is in the segment (read from the snapshot's `$segment/beta-testers`): the rollout decides.
    const member = await evaluateOver(app, 'checkout.new-flow', { context: { targetingKey: 'user-9' } });
    expect(await member.json()).toMatchObject({
      reason: 'SPLIT',
      metadata: { decidedBy: 'rule', ruleIndex: 1 },
    });
    const anyone = await evaluateOver(app, 'checkout.new-flow', { context: { targetingKey: 'user-3' } });
    expect(await answer(anyone)).toMatchObject({
      status: 200,
      body: { value: 'v1', variant: 'control', reason: 'DEFAULT', metadata: { decidedBy: 'fallthrough' } },
    });
  });

  it('answers STATIC for a flag without targeting, as the seed creates them', async () => {
    const res = await evaluateOver(app, 'checkout.enabled', { context: {} });
    expect(await answer(res)).toEqual({
      status: 200,
      body: {
        key: 'checkout.enabled',
        value: true,
        variant: 'on',
        reason: 'STATIC',
        metadata: { environment: 'production', flagVersion: 1, decidedBy: 'fallthrough' },
      },
    });
  });

  it('answers the offVariant with DISABLED and names the prerequisite that failed', async () => {
    const off = await sendJson(
      app,
      'PATCH',
      '/feature-flags/checkout.enabled',
      { isEnabled: false },
      bearer(ADMIN),
    );
    expect(off.status).toBe(200);
    try {
      const res = await evaluateOver(app, 'checkout.new-flow', { context: { targetingKey: 'user-42' } });
      expect(await answer(res)).toMatchObject({
        status: 200,
        body: {
          value: 'v0',
          variant: 'off',
          reason: 'DISABLED',
          metadata: { decidedBy: 'prerequisite', prerequisite: 'checkout.enabled' },
        },
      });
    } finally {
      await sendJson(app, 'PATCH', '/feature-flags/checkout.enabled', { isEnabled: true }, bearer(ADMIN));
    }
  });

  it('answers 200 without a value (use the code default) with DISABLED for a flag not configured in the environment', async () => {
    const res = await evaluateOver(app, 'nowhere', { context: { targetingKey: 'u' } });
    expect(await answer(res)).toEqual({
      status: 200,
      body: {
        key: 'nowhere',
        reason: 'DISABLED',
        metadata: { environment: 'production', flagVersion: 1, decidedBy: 'environmentNotConfigured' },
      },
    });
  });

  it('evaluates in ?environment= when that environment exists, and in production without it', async () => {
    const staging = await evaluateOver(
      app,
      'checkout.new-flow',
      { context: { targetingKey: 'user-3' } },
      bearer(READER),
      '?environment=staging',
    );
    expect(await staging.json()).toMatchObject({
      variant: 'treatment',
      reason: 'STATIC',
      metadata: { environment: 'staging' },
    });
  });

  it('answers 404 FLAG_NOT_FOUND for an unknown key, and for the record key of a segment', async () => {
    expect(await answer(await evaluateOver(app, 'no.such-flag', { context: {} }))).toEqual({
      status: 404,
      body: {
        key: 'no.such-flag',
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: "Flag 'no.such-flag' was not found",
      },
    });
    const segment = await evaluateOver(app, '$segment/beta-testers', { context: {} });
    expect(await answer(segment)).toMatchObject({
      status: 404,
      body: { key: '$segment/beta-testers', errorCode: 'FLAG_NOT_FOUND' },
    });
  });

  it('answers 400 TARGETING_KEY_MISSING when a rollout has nothing to bucket by', async () => {
    expect(await answer(await evaluateOver(app, 'rollout', { context: { plan: 'pro' } }))).toEqual({
      status: 400,
      body: {
        key: 'rollout',
        errorCode: 'TARGETING_KEY_MISSING',
        errorDetails: 'the rollout buckets by targetingKey, missing from the context',
      },
    });
  });

  it('answers 400 PARSE_ERROR for a body that is not JSON, or not UTF-8', async () => {
    const post = (body: string | Uint8Array) =>
      fetch(new URL('/ofrep/v1/evaluate/flags/rollout', app.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(READER) },
        body,
      });
    for (const body of ['{"context": ', '', new Uint8Array([0x7b, 0xff, 0x7d])]) {
      expect(await answer(await post(body))).toEqual({
        status: 400,
        body: {
          key: 'rollout',
          errorCode: 'PARSE_ERROR',
          errorDetails: 'The request body is not valid UTF-8 JSON',
        },
      });
    }
  });

  it('answers 400 INVALID_CONTEXT without a context, for a context that is not an object, and for a targetingKey that is not a string', async () => {
    const cases: [unknown, string][] = [
      [{}, 'The body must be {"context": {...}}'],
      [[], 'The body must be {"context": {...}}'],
      [{ context: ['user-1'] }, 'The context must be a JSON object'],
      [{ context: null }, 'The context must be a JSON object'],
      [{ context: { targetingKey: 42 } }, "The context's targetingKey must be a string"],
    ];
    for (const [body, errorDetails] of cases) {
      expect(await answer(await evaluateOver(app, 'rollout', body))).toEqual({
        status: 400,
        body: { key: 'rollout', errorCode: 'INVALID_CONTEXT', errorDetails },
      });
    }
  });

  it('answers 400 PARSE_ERROR for a stored definition that cannot be evaluated', async () => {
    expect(await answer(await evaluateOver(app, 'broken', { context: {} }))).toMatchObject({
      status: 400,
      body: { key: 'broken', errorCode: 'PARSE_ERROR' },
    });
  });

  it('answers 400 GENERAL for an environment that does not exist or is malformed, and for an unknown query parameter', async () => {
    for (const [query, details] of [
      ['?environment=qa', "Environment 'qa' does not exist; create it with POST /environments"],
      ['?environment=%24segment', "'environment' may contain only letters"],
      ['?environment=staging&environment=production', "'environment' must be given at most once"],
      ['?env=staging', "Unknown query parameter 'env'"],
    ] as const) {
      const res = await evaluateOver(app, 'rollout', { context: {} }, bearer(READER), query);
      const { status, body } = await answer(res);
      expect(status).toBe(400);
      expect(body).toMatchObject({ key: 'rollout', errorCode: 'GENERAL' });
      expect((body as { errorDetails: string }).errorDetails).toContain(details);
    }
  });

  it('answers 401 with WWW-Authenticate without a token or with an unknown one; admin and client tokens evaluate, as Bearer or X-API-Key', async () => {
    for (const headers of [{}, bearer('not-a-token'), { 'x-api-key': 'not-a-token' }]) {
      const res = await evaluateOver(app, 'rollout', { context: { targetingKey: 'u' } }, headers);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await answer(res)).toMatchObject({
        status: 401,
        body: { key: 'rollout', errorCode: 'GENERAL' },
      });
    }
    for (const headers of [bearer(ADMIN), bearer(READER), { 'x-api-key': READER }]) {
      const res = await evaluateOver(app, 'rollout', { context: { targetingKey: 'u' } }, headers);
      expect(res.status).toBe(200);
    }
  });

  it('answers 405 with Allow: POST to any other method', async () => {
    const res = await fetch(new URL('/ofrep/v1/evaluate/flags/rollout', app.url), {
      headers: bearer(READER),
    });
    expect(res.headers.get('allow')).toBe('POST');
    expect(await answer(res)).toMatchObject({ status: 405, body: { key: 'rollout', errorCode: 'GENERAL' } });
  });

  it('answers 413 to a body over BODY_LIMIT_BYTES and 415 to a body declared as something other than JSON', async () => {
    const big = { context: { targetingKey: 'u', padding: 'x'.repeat(BODY_LIMIT) } };
    expect(await answer(await evaluateOver(app, 'rollout', big))).toMatchObject({
      status: 413,
      body: { key: 'rollout', errorCode: 'GENERAL' },
    });
    const text = await fetch(new URL('/ofrep/v1/evaluate/flags/rollout', app.url), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer(READER) },
      body: '{"context":{}}',
    });
    expect(await answer(text)).toMatchObject({ status: 415, body: { key: 'rollout', errorCode: 'GENERAL' } });
  });

  it('never answers 5xx to random bodies and contexts: every answer is a success or an OFREP error body naming the flag', async () => {
    const bodies = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.record({ context: fc.jsonValue() }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('checkout.new-flow', 'rollout', 'broken', 'nowhere', 'no.such-flag'),
        bodies,
        async (key, body) => {
          const res = await fetch(new URL(`/ofrep/v1/evaluate/flags/${key}`, app.url), {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...bearer(READER) },
            body,
          });
          const answer = (await res.json()) as Record<string, unknown>;
          expect(res.status).toBeLessThan(500);
          if (res.status === 200) expect(answer).toMatchObject({ key, reason: expect.any(String) });
          else
            expect(answer).toEqual({ key, errorCode: expect.any(String), errorDetails: expect.any(String) });
        },
      ),
      { numRuns: 500, seed: 20261126 },
    );
  });

  it('counts evaluations in the request metrics as route "ofrep-flag", by status', async () => {
    await evaluateOver(app, 'rollout', { context: { targetingKey: 'u' } });
    await evaluateOver(app, 'no.such-flag', { context: {} });
    const metrics = await (await fetch(new URL('/metrics', app.url))).text();
    for (const status of ['200', '404'])
      expect(metrics).toMatch(
        new RegExp(
          `flagwire_http_request_duration_seconds_count\\{method="POST",route="ofrep-flag",status="${status}"\\} [1-9]`,
        ),
      );
  });

  it('GraphQL evaluate answers what OFREP answers, evaluation errors in the result and a missing environment as VALIDATION_FAILED', async () => {
    const query = `query ($key: String!, $context: JSON!, $environment: String) {
      evaluate(key: $key, context: $context, environment: $environment) {
        key value variant reason errorCode errorDetails environment
      }
    }`;
    const evaluate = async (variables: Record<string, unknown>) => {
      const res = await sendJson(app, 'POST', '/graphql', { query, variables }, bearer(READER));
      return (await res.json()) as {
        data?: { evaluate: unknown };
        errors?: { extensions: { code: string } }[];
      };
    };
    const context = { targetingKey: 'user-1', plan: 'team' };
    const ofrep = (await (await evaluateOver(app, 'checkout.new-flow', { context })).json()) as Record<
      string,
      unknown
    >;
    expect((await evaluate({ key: 'checkout.new-flow', context })).data?.evaluate).toEqual({
      key: 'checkout.new-flow',
      value: ofrep.value,
      variant: ofrep.variant,
      reason: ofrep.reason,
      errorCode: null,
      errorDetails: null,
      environment: 'production',
    });
    expect((await evaluate({ key: 'rollout', context: [] })).data?.evaluate).toEqual({
      key: 'rollout',
      value: null,
      variant: null,
      reason: 'ERROR',
      errorCode: 'INVALID_CONTEXT',
      errorDetails: 'The context must be a JSON object',
      environment: 'production',
    });
    expect(
      (await evaluate({ key: 'gone', context: {}, environment: 'staging' })).data?.evaluate,
    ).toMatchObject({
      value: null,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
      environment: 'staging',
    });
    const missing = await evaluate({ key: 'rollout', context: {}, environment: 'qa' });
    expect(missing.errors?.[0]?.extensions.code).toBe('VALIDATION_FAILED');
  });
});

describe('OFREP with CORS_ORIGINS: browser requests go through Express and its CORS headers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ CORS_ORIGINS: 'https://app.example' });
    await sendJson(app, 'POST', '/feature-flags', { key: 'shown', isEnabled: true });
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('answers the preflight and the evaluation with Access-Control-Allow-Origin, the same body as without Origin', async () => {
    const url = new URL('/ofrep/v1/evaluate/flags/shown', app.url);
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-api-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-API-Key');
    const browser = await sendJson(
      app,
      'POST',
      url.pathname,
      { context: {} },
      { origin: 'https://app.example' },
    );
    expect(browser.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const server = await sendJson(app, 'POST', url.pathname, { context: {} });
    expect(await browser.json()).toEqual(await server.json());
  });
});
