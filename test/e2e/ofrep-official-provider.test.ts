import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { type Client, type EvaluationDetails, type FlagValue, OpenFeature } from '@openfeature/server-sdk';
import { sendJson, startTestApp } from '../support/app.js';
import {
  ADMIN,
  bearer,
  FRONTEND,
  NEW_FLOW,
  READER,
  startOfrepApp,
  type TestApp,
} from '../support/ofrep-app.js';
import { startRedis, type TestRedis } from '../support/redis.js';

/*
 * OpenFeature's own server SDK with OpenFeature's own OFREP provider (@openfeature/ofrep-provider
 * 0.1.3, not our code), configured with nothing but the service's URL and a token, against the real app
 * on real Redis. Every answer goes through the provider and the SDK as an application would see it.
 * Fixtures (flags, a segment, a stored definition that cannot be evaluated): test/support/ofrep-app.ts.
 */

/** What the SDK answered, without the message (checked where it matters). */
function essentials(details: EvaluationDetails<FlagValue>) {
  const { value, variant, reason, errorCode } = details;
  return { value, variant, reason, errorCode };
}

const TYPED: Record<string, unknown> = {
  'typed.number': {
    type: 'number',
    variants: { low: 5, high: 50 },
    environments: {
      production: {
        enabled: true,
        offVariant: 'low',
        rules: [{ clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'high' } }],
        fallthrough: { variant: 'low' },
      },
    },
  },
  'typed.object': {
    type: 'object',
    variants: { compact: { columns: 1, theme: 'light' }, wide: { columns: 3, theme: 'dark' } },
    environments: { production: { enabled: true, offVariant: 'compact', fallthrough: { variant: 'wide' } } },
  },
};

let redis: TestRedis;
let app: TestApp;
let client: Client;

beforeAll(async () => {
  redis = await startRedis();
  app = await startOfrepApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix() });
  for (const [key, definition] of Object.entries(TYPED)) {
    const res = await sendJson(app, 'PUT', `/feature-flags/${key}`, definition, bearer(ADMIN));
    expect(res.status).toBe(201);
  }
  await OpenFeature.setProviderAndWait(
    'reader',
    new OFREPProvider({ baseUrl: app.url, headers: [['Authorization', `Bearer ${READER}`]] }),
  );
  client = OpenFeature.getClient('reader');
});
afterAll(async () => {
  await OpenFeature.close();
  await app?.stop();
  await app?.removeDataDir();
  await redis?.stop();
});

describe('the official OFREP provider (@openfeature/ofrep-provider) with @openfeature/server-sdk', () => {
  it('evaluates every type: boolean, string, number and object', async () => {
    expect(
      essentials(await client.getBooleanDetails('checkout.enabled', false, { targetingKey: 'u' })),
    ).toEqual({
      value: true,
      variant: 'on',
      reason: 'STATIC',
      errorCode: undefined,
    });
    expect(await client.getStringValue('checkout.new-flow', 'x', { targetingKey: 'user-3' })).toBe('v1');
    expect(await client.getNumberValue('typed.number', 0, { targetingKey: 'u', plan: 'pro' })).toBe(50);
    expect(await client.getObjectValue('typed.object', {}, { targetingKey: 'u' })).toEqual({
      columns: 3,
      theme: 'dark',
    });
  });

  it('reports every reason: STATIC, DEFAULT, TARGETING_MATCH (target and rule), SPLIT, DISABLED, with the flag metadata', async () => {
    const rule = await client.getStringDetails('checkout.new-flow', 'x', {
      targetingKey: 'user-1',
      plan: 'pro',
      country: 'DE',
    });
    expect(essentials(rule)).toEqual({
      value: 'v2',
      variant: 'treatment',
      reason: 'TARGETING_MATCH',
      errorCode: undefined,
    });
    expect(rule.flagMetadata).toEqual({
      environment: 'production',
      flagVersion: 1,
      decidedBy: 'rule',
      ruleIndex: 0,
      ruleId: 'pro-plans',
    });
    const target = await client.getStringDetails('checkout.new-flow', 'x', { targetingKey: 'user-42' });
    expect(target).toMatchObject({ reason: 'TARGETING_MATCH', flagMetadata: { decidedBy: 'target' } });
    const fallthrough = await client.getStringDetails('checkout.new-flow', 'x', { targetingKey: 'user-3' });
    expect(essentials(fallthrough)).toEqual({
      value: 'v1',
      variant: 'control',
      reason: 'DEFAULT',
      errorCode: undefined,
    });
    const split = await client.getBooleanDetails('rollout', false, { targetingKey: 'user-3' });
    expect(split.reason).toBe('SPLIT');
    expect(split.errorCode).toBeUndefined();
    expect(typeof split.value).toBe('boolean');
    const off = await sendJson(
      app,
      'PATCH',
      '/feature-flags/checkout.enabled',
      { isEnabled: false },
      bearer(ADMIN),
    );
    expect(off.status).toBe(200);
    try {
      const disabled = await client.getStringDetails('checkout.new-flow', 'x', { targetingKey: 'user-42' });
      expect(essentials(disabled)).toEqual({
        value: 'v0',
        variant: 'off',
        reason: 'DISABLED',
        errorCode: undefined,
      });
      expect(disabled.flagMetadata).toMatchObject({
        decidedBy: 'prerequisite',
        prerequisite: 'checkout.enabled',
      });
    } finally {
      await sendJson(app, 'PATCH', '/feature-flags/checkout.enabled', { isEnabled: true }, bearer(ADMIN));
    }
  });

  it("reports every error code it can receive with the caller's default: FLAG_NOT_FOUND, TYPE_MISMATCH, TARGETING_KEY_MISSING, INVALID_CONTEXT, PARSE_ERROR", async () => {
    const cases: [Promise<EvaluationDetails<FlagValue>>, FlagValue, string][] = [
      [client.getBooleanDetails('no.such-flag', true, { targetingKey: 'u' }), true, 'FLAG_NOT_FOUND'],
      // The provider's own check: the flag serves a string.
      [client.getBooleanDetails('checkout.new-flow', true, { targetingKey: 'u' }), true, 'TYPE_MISMATCH'],
      [client.getBooleanDetails('rollout', true, { plan: 'pro' }), true, 'TARGETING_KEY_MISSING'],
      // OpenFeature types targetingKey as a string; JavaScript lets a number through, the server refuses it.
      [
        client.getBooleanDetails('rollout', true, { targetingKey: 42 as unknown as string }),
        true,
        'INVALID_CONTEXT',
      ],
      // A stored definition the evaluator cannot read (only data written around the service holds one).
      [client.getBooleanDetails('broken', false, { targetingKey: 'u' }), false, 'PARSE_ERROR'],
    ];
    for (const [details, fallback, errorCode] of cases) {
      expect(essentials(await details)).toEqual({
        value: fallback,
        variant: undefined,
        reason: 'ERROR',
        errorCode,
      });
    }
  });

  it("answers the caller's default for a flag with no configuration in the environment (0.1.3 predates OFREP's code default and calls it GENERAL)", async () => {
    // The server answers 200 without a value (ADR 0006, `codeDefaultFlag`); this provider version does
    // not know that shape and reports an unexpected response. The value is the caller's default, as meant.
    const details = await client.getBooleanDetails('nowhere', true, { targetingKey: 'u' });
    expect(essentials(details)).toEqual({
      value: true,
      variant: undefined,
      reason: 'ERROR',
      errorCode: 'GENERAL',
    });
    expect(details.errorMessage).toMatch(/does not match the expected format/);
  });

  it('sees a change on the next evaluation', async () => {
    const context = { targetingKey: 'user-3' };
    expect(await client.getStringValue('checkout.new-flow', 'x', context)).toBe('v1');
    const production = { ...NEW_FLOW.environments.production, fallthrough: { variant: 'treatment' } };
    const put = await sendJson(
      app,
      'PUT',
      '/feature-flags/checkout.new-flow',
      { ...NEW_FLOW, environments: { ...NEW_FLOW.environments, production } },
      bearer(ADMIN),
    );
    expect(put.status).toBe(200);
    expect(await client.getStringValue('checkout.new-flow', 'x', context)).toBe('v2');
  });

  it('is refused with a rate-limited frontend token: the 429 and its Retry-After pause the provider (GENERAL until then)', async () => {
    const limited = await startTestApp({
      FRONTEND_TOKENS: FRONTEND,
      FRONTEND_RATE_PER_MINUTE: '1',
      FRONTEND_RATE_BURST: '1',
    });
    try {
      await OpenFeature.setProviderAndWait(
        'frontend',
        new OFREPProvider({ baseUrl: limited.url, headers: [['Authorization', `Bearer ${FRONTEND}`]] }),
      );
      const frontend = OpenFeature.getClient('frontend');
      expect(await frontend.getBooleanDetails('missing', true, { targetingKey: 'u' })).toMatchObject({
        errorCode: 'FLAG_NOT_FOUND',
      });
      const limitedAnswer = await frontend.getBooleanDetails('missing', true, { targetingKey: 'u' });
      expect(limitedAnswer).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'GENERAL' });
      expect(limitedAnswer.errorMessage).toMatch(/rate limit exceeded, try again after/);
      // Paused until Retry-After (60 s): no request is made at all.
      const paused = await frontend.getBooleanDetails('missing', true, { targetingKey: 'u' });
      expect(paused.errorMessage).toMatch(/paused due to TooManyRequests/);
    } finally {
      await limited.stop();
      await limited.removeDataDir();
    }
  });
});
