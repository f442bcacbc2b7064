import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sendJson, startTestApp } from '../support/app.js';
import { ADMIN, bearer, evaluateOver, READER, startOfrepApp, type TestApp } from '../support/ofrep-app.js';

/*
 * Evaluation beyond OFREP's statuses: GraphQL `evaluate` (the same evaluator), the request metrics,
 * random bodies, and browsers (CORS) reaching OFREP through Express.
 */

describe('evaluation over every transport', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startOfrepApp();
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
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

  it('GraphQL evaluate answers what OFREP answers, evaluation errors in the result and a missing environment as ENVIRONMENT_NOT_FOUND', async () => {
    const query = `query ($key: String!, $context: JSON!, $environment: String) {
      evaluate(key: $key, context: $context, environment: $environment) {
        key value variant reason errorCode errorDetails environment
      }
    }`;
    const evaluate = async (variables: Record<string, unknown>, token = READER) => {
      const res = await sendJson(app, 'POST', '/graphql', { query, variables }, bearer(token));
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
      (await evaluate({ key: 'gone', context: {}, environment: 'staging' }, ADMIN)).data?.evaluate,
    ).toMatchObject({
      value: null,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
      environment: 'staging',
    });
    const missing = await evaluate({ key: 'rollout', context: {}, environment: 'qa' }, ADMIN);
    expect(missing.errors?.[0]?.extensions.code).toBe('ENVIRONMENT_NOT_FOUND');
    // A plain client token is production's: another environment is refused, not evaluated.
    const elsewhere = await evaluate({ key: 'rollout', context: {}, environment: 'staging' });
    expect(elsewhere.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
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
