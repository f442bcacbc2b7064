import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJson } from '../support/app.js';
import {
  ADMIN,
  answer,
  BODY_LIMIT,
  bearer,
  evaluateOver,
  READER,
  startOfrepApp,
  type TestApp,
} from '../support/ofrep-app.js';

/*
 * OFREP's single-flag evaluation (open-feature/protocol, service/openapi.yaml), one test per status and
 * body the protocol gives, against the real app (fixtures: test/support/ofrep-app.ts).
 */

describe('POST /ofrep/v1/evaluate/flags/{key}: OFREP single-flag evaluation', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startOfrepApp();
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
      bearer(ADMIN),
      '?environment=staging',
    );
    expect(await staging.json()).toMatchObject({
      variant: 'treatment',
      reason: 'STATIC',
      metadata: { environment: 'staging' },
    });
  });

  it("answers 403 to a client token asking for an environment other than its own (a plain token's is production)", async () => {
    const res = await evaluateOver(app, 'rollout', { context: {} }, bearer(READER), '?environment=staging');
    expect(await answer(res)).toMatchObject({ status: 403, body: { key: 'rollout', errorCode: 'GENERAL' } });
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
      const res = await evaluateOver(app, 'rollout', { context: {} }, bearer(ADMIN), query);
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
});
