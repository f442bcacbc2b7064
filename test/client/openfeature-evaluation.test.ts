import { evaluate, FlagDefinition, type FlagDefinitionInput } from '@flagwire/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { WebSocket } from 'ws';
import type { FlagMode } from '../../client/src/index.js';
import { FlagwireProvider, type FlagwireProviderOptions } from '../../client/src/openfeature/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { EventLog, is } from './support/openfeature.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ADMIN = 'admin-token-for-openfeature';
const READER = 'server-token-for-openfeature';
const PRO = { targetingKey: 'user-1', plan: 'pro' };

const STRING_FLAG: FlagDefinitionInput = {
  key: 'of.string',
  type: 'string',
  variants: { old: 'v1', new: 'v2' },
  environments: {
    production: {
      enabled: true,
      offVariant: 'old',
      rules: [
        {
          id: 'pro-plans',
          clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
          serve: { variant: 'new' },
        },
      ],
      fallthrough: {
        rollout: {
          weights: [
            { variant: 'new', weight: 50 },
            { variant: 'old', weight: 50 },
          ],
        },
      },
    },
  },
};

const NUMBER_FLAG: FlagDefinitionInput = {
  key: 'of.number',
  type: 'number',
  variants: { low: 1, high: 100 },
  environments: {
    production: {
      enabled: true,
      offVariant: 'low',
      targets: [{ variant: 'high', values: ['user-vip'] }],
      fallthrough: { variant: 'low' },
    },
  },
};

const OBJECT_FLAG: FlagDefinitionInput = {
  key: 'of.object',
  type: 'object',
  variants: { blue: { colour: 'blue', sizes: [1, 2] }, none: {} },
  environments: { production: { enabled: true, offVariant: 'none', fallthrough: { variant: 'blue' } } },
};

const DISABLED_FLAG: FlagDefinitionInput = {
  key: 'of.disabled',
  type: 'string',
  variants: { on: 'shown', off: 'hidden' },
  environments: { production: { enabled: false, offVariant: 'off', fallthrough: { variant: 'on' } } },
};

/** On for contexts whose `signedUp` is before 2026: OpenFeature allows a Date there. */
const DATED_FLAG: FlagDefinitionInput = {
  key: 'of.dated',
  type: 'boolean',
  variants: { on: true, off: false },
  environments: {
    production: {
      enabled: true,
      offVariant: 'off',
      rules: [
        {
          clauses: [{ attribute: 'signedUp', op: 'before', values: ['2026-01-01'] }],
          serve: { variant: 'on' },
        },
      ],
      fallthrough: { variant: 'off' },
    },
  },
};

describe('FlagwireProvider through @openfeature/server-sdk: evaluation', () => {
  let redis: TestRedis;
  let app: TestApp;
  let domains = 0;
  const admin = (method: string, path: string, body: unknown) =>
    sendJson(app, method, path, body, { authorization: `Bearer ${ADMIN}` });
  const put = async (definition: FlagDefinitionInput) => {
    const res = await admin('PUT', `/feature-flags/${definition.key}`, definition);
    expect([200, 201]).toContain(res.status);
  };
  /** A provider set on a domain of its own, ready, with the events its client hears from the start. */
  const open = async (options: Partial<FlagwireProviderOptions> = {}) => {
    const domain = `evaluation-${++domains}`;
    const provider = new FlagwireProvider({
      url: app.url,
      token: READER,
      webSocketImpl: WebSocket,
      backoff: { initialDelayMs: 5, maxDelayMs: 50 },
      ...options,
    });
    const ready = OpenFeature.setProviderAndWait(domain, provider);
    const client = OpenFeature.getClient(domain);
    const log = new EventLog(client);
    await ready;
    return { provider, client, log };
  };

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      ADMIN_TOKENS: ADMIN,
      CLIENT_TOKENS: READER,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix(),
    });
    expect((await admin('POST', '/feature-flags', { key: 'of.bool', isEnabled: true })).status).toBe(201);
    for (const flag of [STRING_FLAG, NUMBER_FLAG, OBJECT_FLAG, DISABLED_FLAG, DATED_FLAG]) await put(flag);
  });
  afterEach(async () => {
    await OpenFeature.clearProviders();
    OpenFeature.clearHandlers();
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    await redis?.stop();
  });

  it('answers every type with its value, variant, reason and flag metadata, exactly', async () => {
    const { client } = await open();
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(await client.getBooleanDetails('of.bool', false, PRO)).toEqual({
      flagKey: 'of.bool',
      value: true,
      variant: 'on',
      reason: 'STATIC',
      flagMetadata: { environment: 'production', flagVersion: 1, decidedBy: 'fallthrough' },
    });
    expect(await client.getStringDetails('of.string', 'default', PRO)).toEqual({
      flagKey: 'of.string',
      value: 'v2',
      variant: 'new',
      reason: 'TARGETING_MATCH',
      flagMetadata: {
        environment: 'production',
        flagVersion: 1,
        decidedBy: 'rule',
        ruleIndex: 0,
        ruleId: 'pro-plans',
      },
    });
    expect(await client.getNumberDetails('of.number', 0, { targetingKey: 'user-vip' })).toEqual({
      flagKey: 'of.number',
      value: 100,
      variant: 'high',
      reason: 'TARGETING_MATCH',
      flagMetadata: { environment: 'production', flagVersion: 1, decidedBy: 'target', targetIndex: 0 },
    });
    expect(await client.getNumberDetails('of.number', 0, { targetingKey: 'user-2' })).toMatchObject({
      value: 1,
      variant: 'low',
      reason: 'DEFAULT',
    });
    expect(await client.getObjectDetails('of.object', { colour: 'none' })).toEqual({
      flagKey: 'of.object',
      value: { colour: 'blue', sizes: [1, 2] },
      variant: 'blue',
      reason: 'STATIC',
      flagMetadata: { environment: 'production', flagVersion: 1, decidedBy: 'fallthrough' },
    });
    expect(await client.getStringDetails('of.disabled', 'default')).toEqual({
      flagKey: 'of.disabled',
      value: 'hidden',
      variant: 'off',
      reason: 'DISABLED',
      flagMetadata: { environment: 'production', flagVersion: 1, decidedBy: 'disabled' },
    });
    // The value getters read the same.
    expect(await client.getBooleanValue('of.bool', false)).toBe(true);
    expect(await client.getStringValue('of.string', 'default', PRO)).toBe('v2');
    expect(await client.getNumberValue('of.number', 0)).toBe(1);
    expect(await client.getObjectValue('of.object', {})).toEqual({ colour: 'blue', sizes: [1, 2] });
  });

  it("splits a rollout by the context's targetingKey exactly as @flagwire/core's evaluator does (reason SPLIT)", async () => {
    const { client } = await open();
    const definition = FlagDefinition.parse(STRING_FLAG);
    const variants = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const user = { targetingKey: `user-${i}`, plan: 'free' };
      const expected = evaluate(definition, 'production', user, {
        defaultValue: 'x',
        expectedType: 'string',
      });
      const details = await client.getStringDetails('of.string', 'x', user);
      expect(details).toMatchObject({ value: expected.value, variant: expected.variant, reason: 'SPLIT' });
      variants.add(details.variant ?? '');
    }
    expect([...variants].sort()).toEqual(['new', 'old']);
  });

  it('reads a Date in the context as the instant it is (before/after clauses)', async () => {
    const { client } = await open();
    const early = { targetingKey: 'u', signedUp: new Date('2025-06-01T00:00:00Z') };
    const late = { targetingKey: 'u', signedUp: new Date('2026-06-01T00:00:00Z') };
    expect(await client.getBooleanDetails('of.dated', false, early)).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
    expect(await client.getBooleanDetails('of.dated', true, late)).toMatchObject({
      value: false,
      reason: 'DEFAULT',
    });
  });

  it("answers the caller's default with OpenFeature's error codes: FLAG_NOT_FOUND, TYPE_MISMATCH, TARGETING_KEY_MISSING, INVALID_CONTEXT", async () => {
    const { client } = await open();
    expect(await client.getBooleanDetails('of.missing', true)).toEqual({
      flagKey: 'of.missing',
      value: true,
      reason: 'ERROR',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      errorMessage: expect.any(String),
      flagMetadata: { environment: 'production', decidedBy: 'flagNotFound' },
    });
    expect(await client.getStringDetails('of.bool', 'fallback')).toMatchObject({
      value: 'fallback',
      reason: 'ERROR',
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await client.getNumberDetails('of.string', 7, PRO)).toMatchObject({
      value: 7,
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    expect(await client.getObjectDetails('of.number', { n: 1 })).toMatchObject({
      value: { n: 1 },
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    // A rollout with nothing to bucket by.
    expect(await client.getStringDetails('of.string', 'fallback', { plan: 'free' })).toMatchObject({
      value: 'fallback',
      reason: 'ERROR',
      errorCode: ErrorCode.TARGETING_KEY_MISSING,
    });
    const badKey = { targetingKey: 42 } as unknown as { targetingKey: string };
    expect(await client.getBooleanDetails('of.bool', false, badKey)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: ErrorCode.INVALID_CONTEXT,
    });
  });

  it('answers PROVIDER_NOT_READY before the provider is initialised, through the SDK and when asked directly', async () => {
    const provider = new FlagwireProvider({ url: app.url, token: READER });
    expect(await provider.resolveBooleanEvaluation('of.bool', false, {})).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: ErrorCode.PROVIDER_NOT_READY,
    });
    const ready = OpenFeature.setProviderAndWait('not-yet', provider);
    const client = OpenFeature.getClient('not-yet');
    expect(client.providerStatus).toBe(ProviderStatus.NOT_READY);
    expect(await client.getBooleanDetails('of.bool', false)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: ErrorCode.PROVIDER_NOT_READY,
    });
    await ready;
    expect(await client.getBooleanValue('of.bool', false)).toBe(true);
  });

  it('refuses unusable options when constructed, naming the option', () => {
    expect(() => new FlagwireProvider({ url: 'ftp://nowhere' })).toThrow(/url must be http/);
    expect(() => new FlagwireProvider({ url: app.url, initTimeoutMs: -1 })).toThrow(/initTimeoutMs/);
  });

  describe.each<FlagMode>(['sse', 'subscription', 'poll'])('in %s mode', (mode) => {
    it('a change made through REST reaches the next evaluation, announced by CONFIGURATION_CHANGED naming exactly that flag', async () => {
      const key = `of.flip-${mode}`;
      expect((await admin('POST', '/feature-flags', { key, isEnabled: false })).status).toBe(201);
      const { client, log } = await open({ mode, pollIntervalMs: 20 });
      // The first state is no change: READY alone.
      expect(log.heard.map((event) => event.type)).toEqual([ProviderEvents.Ready]);
      expect(await client.getBooleanValue(key, true)).toBe(false);

      const from = log.length;
      expect((await admin('PATCH', `/feature-flags/${key}`, { isEnabled: true })).status).toBe(200);
      const at = await log.until(is(ProviderEvents.ConfigurationChanged), from);
      expect(log.heard[at]?.flagsChanged).toEqual([key]);
      expect(await client.getBooleanDetails(key, false)).toMatchObject({
        value: true,
        reason: 'STATIC',
        flagMetadata: { flagVersion: 2 },
      });
    });

    it('a segment change names every flag whose answer it may change: the flags naming the segment and those naming them as a prerequisite', async () => {
      const segment = `of-members-${mode}`;
      const member = `of.member-${mode}`;
      const dependent = `of.dependent-${mode}`;
      const bystander = `of.bystander-${mode}`;
      expect((await admin('PUT', `/segments/${segment}`, { included: ['user-1'] })).status).toBe(201);
      await put({
        key: member,
        type: 'boolean',
        variants: { on: true, off: false },
        environments: {
          production: {
            enabled: true,
            offVariant: 'off',
            rules: [{ clauses: [{ op: 'segmentMatch', values: [segment] }], serve: { variant: 'on' } }],
            fallthrough: { variant: 'off' },
          },
        },
      });
      await put({
        key: dependent,
        type: 'boolean',
        variants: { on: true, off: false },
        environments: {
          production: {
            enabled: true,
            offVariant: 'off',
            prerequisites: [{ flag: member, variants: ['on'] }],
            fallthrough: { variant: 'on' },
          },
        },
      });
      expect((await admin('POST', '/feature-flags', { key: bystander, isEnabled: true })).status).toBe(201);
      const { client, log } = await open({ mode, pollIntervalMs: 20 });
      const user9 = { targetingKey: 'user-9' };
      expect(await client.getBooleanValue(dependent, true, user9)).toBe(false);

      const from = log.length;
      const res = await admin('PUT', `/segments/${segment}`, { included: ['user-1', 'user-9'] });
      expect(res.status).toBe(200);
      const at = await log.until(is(ProviderEvents.ConfigurationChanged), from);
      expect(log.heard[at]?.flagsChanged).toEqual([dependent, member].sort());
      expect(await client.getBooleanDetails(member, false, user9)).toMatchObject({
        value: true,
        reason: 'TARGETING_MATCH',
      });
      expect(await client.getBooleanDetails(dependent, false, user9)).toMatchObject({ value: true });

      // A change to the prerequisite names its dependent too; the bystander is never named.
      const next = log.length;
      expect((await admin('PATCH', `/feature-flags/${member}`, { isEnabled: false })).status).toBe(200);
      const again = await log.until(is(ProviderEvents.ConfigurationChanged), next);
      expect(log.heard[again]?.flagsChanged).toEqual([dependent, member].sort());
      expect(log.changedKeys()).not.toContain(bystander);
    });
  });
});
