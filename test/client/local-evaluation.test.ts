import { type EvaluationContext, evaluate, type FlagDefinition, fromLegacyFlag } from '@flagwire/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createFlagClient,
  type Flag,
  type FlagClient,
  type FlagClientOptions,
  FlagwireError,
} from '../../client/src/index.js';
import { LocalEvaluator } from '../../client/src/local.js';
import { FlagState } from '../../client/src/state.js';
import { sendJson, startTestApp } from '../support/app.js';
import { freePort } from '../support/ports.js';
import { nextEvent } from './support/events.js';
import { startProxy, type TestProxy } from './support/proxy.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const USER: EvaluationContext = { targetingKey: 'user-7', plan: 'pro', country: 'FR' };
const FAST: Partial<FlagClientOptions> = {
  mode: 'sse',
  backoff: { initialDelayMs: 10, maxDelayMs: 100 },
  fallbackAfterFailures: Number.POSITIVE_INFINITY,
};

async function create(app: TestApp, key: string, isEnabled: boolean): Promise<Flag> {
  const res = await sendJson(app, 'POST', '/feature-flags', { key, isEnabled });
  expect(res.status).toBe(201);
  return (await res.json()) as Flag;
}

describe('local evaluation (getBooleanValue and its siblings) against a running service', () => {
  let app: TestApp;
  let proxy: TestProxy;
  const clients: FlagClient[] = [];
  const open = async (options: Partial<FlagClientOptions> = {}) => {
    const client = createFlagClient({ url: proxy.url, ...FAST, ...options });
    clients.push(client);
    await client.ready(5000);
    return client;
  };

  beforeAll(async () => {
    app = await startTestApp();
    proxy = await startProxy(app.url);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await proxy.close();
    await app.stop();
    await app.removeDataDir();
  });

  it("answers a flag created through REST as @flagwire/core's evaluator does: on with STATIC, off with DISABLED", async () => {
    const on = await create(app, 'local.on', true);
    const off = await create(app, 'local.off', false);
    const client = await open();

    expect(client.getBooleanValue('local.on', false, USER)).toBe(true);
    expect(client.getBooleanValue('local.off', true, USER)).toBe(false);
    expect(client.getBooleanDetails('local.on', false, USER)).toEqual({
      flagKey: 'local.on',
      value: true,
      variant: 'on',
      reason: 'STATIC',
      decision: { kind: 'fallthrough' },
    });
    expect(client.getBooleanDetails('local.off', true)).toEqual({
      flagKey: 'local.off',
      value: false,
      variant: 'off',
      reason: 'DISABLED',
      decision: { kind: 'disabled' },
    });
    // The same answers as the evaluator's own, on the flags as the service created them.
    for (const flag of [on, off]) {
      const expected = evaluate(fromLegacyFlag(flag), 'production', USER, {
        defaultValue: !flag.isEnabled,
        expectedType: 'boolean',
      });
      expect(client.getBooleanDetails(flag.key, !flag.isEnabled, USER)).toEqual({
        flagKey: flag.key,
        ...expected,
      });
    }
    // The legacy reading goes on answering beside it.
    expect(client.isEnabled('local.on', false)).toBe(true);
    expect(client.evaluate('local.off', true)).toMatchObject({ value: false, reason: 'FLAG' });
  });

  it("answers the caller's default with FLAG_NOT_FOUND for a flag the service does not have", async () => {
    const client = await open();
    expect(client.getBooleanValue('local.missing', true, USER)).toBe(true);
    expect(client.getBooleanValue('local.missing', false, USER)).toBe(false);
    expect(client.getBooleanDetails('local.missing', true, USER)).toMatchObject({
      flagKey: 'local.missing',
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(client.getBooleanDetails('local.missing', true).variant).toBeUndefined();
  });

  it("answers the caller's default with TYPE_MISMATCH when a boolean flag is read as a string, number or object", async () => {
    await create(app, 'local.typed', true);
    const client = await open();
    expect(client.getBooleanValue('local.typed', false)).toBe(true);

    expect(client.getStringValue('local.typed', 'fallback', USER)).toBe('fallback');
    expect(client.getStringDetails('local.typed', 'fallback', USER)).toMatchObject({
      flagKey: 'local.typed',
      value: 'fallback',
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(client.getNumberDetails('local.typed', 7)).toMatchObject({
      value: 7,
      errorCode: 'TYPE_MISMATCH',
    });
    const fallback = { colour: 'blue' };
    expect(client.getObjectValue('local.typed', fallback)).toBe(fallback);
    expect(client.getObjectDetails('local.typed', fallback).errorCode).toBe('TYPE_MISMATCH');
  });

  it('sees a change made through REST at the next local evaluation after its event (SSE)', async () => {
    await create(app, 'local.flip', false);
    const client = await open({ mode: 'sse' });
    expect(client.getBooleanDetails('local.flip', true, USER)).toMatchObject({
      value: false,
      reason: 'DISABLED',
    });

    const enabled = nextEvent(client, 'change', (event) => event.key === 'local.flip');
    expect((await sendJson(app, 'PATCH', '/feature-flags/local.flip', { isEnabled: true })).status).toBe(200);
    await enabled;
    expect(client.getBooleanDetails('local.flip', false, USER)).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'STATIC',
    });

    const deleted = nextEvent(client, 'change', (event) => event.key === 'local.flip');
    const res = await fetch(`${app.url}/feature-flags/local.flip`, { method: 'DELETE' });
    expect(res.status).toBeLessThan(300);
    await deleted;
    expect(client.getBooleanDetails('local.flip', true, USER)).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('sends no request per evaluation: a thousand evaluations add no fetch and no request at the service', async () => {
    await create(app, 'local.hot', true);
    let fetches = 0;
    const client = await open({
      mode: 'sse',
      fetch: (input, init) => {
        fetches++;
        return fetch(input, init);
      },
    });
    const fetchesBefore = fetches;
    const seenBefore = proxy.requests.length;
    let served = 0;
    for (let i = 0; i < 1000; i++) {
      if (client.getBooleanValue('local.hot', false, { targetingKey: `user-${i}` })) served++;
      client.getStringDetails('local.hot', '', { targetingKey: `user-${i}` });
    }
    expect(served).toBe(1000);
    // A fetch is counted when it is called, so this holds at once; the proxy's count is read after a
    // round trip of the test's own through it.
    expect(fetches - fetchesBefore).toBe(0);
    await fetch(`${proxy.url}/healthz`);
    expect(proxy.requests.slice(seenBefore).map((request) => request.url)).toEqual(['/healthz']);
  });

  it("reads the client's environment: today's flags are configured in production only, elsewhere the default with DISABLED", async () => {
    await create(app, 'local.env', true);
    // The client reads the environment it evaluates, so it must exist on the server.
    expect((await sendJson(app, 'POST', '/environments', { key: 'staging' })).status).toBe(201);
    const staging = await open({ environment: 'staging' });
    expect(staging.getBooleanDetails('local.env', false, USER)).toEqual({
      flagKey: 'local.env',
      value: false,
      reason: 'DISABLED',
      decision: { kind: 'environmentNotConfigured', environment: 'staging' },
    });
    const production = await open({ environment: 'production' });
    expect(production.getBooleanValue('local.env', false, USER)).toBe(true);
    expect(() => createFlagClient({ url: app.url, environment: '' })).toThrow(FlagwireError);
  });

  it('never throws for a garbage key or context: it answers the default and says why', async () => {
    await create(app, 'local.sturdy', true);
    const client = await open();
    const keys: unknown[] = [undefined, null, '', 42, {}, [], Symbol('key'), () => 'key'];
    for (const key of keys) {
      expect(client.getBooleanValue(key as string, true)).toBe(true);
      expect(client.getObjectValue(key as string, [1])).toEqual([1]);
      expect(client.getNumberDetails(key as string, 3)).toMatchObject({
        value: 3,
        reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND',
      });
    }
    const contexts: unknown[] = [null, 'user-7', 42, [], { targetingKey: 7 }, Object.create(null)];
    for (const context of contexts) {
      expect(client.getBooleanValue('local.sturdy', false, context as EvaluationContext)).toBe(true);
    }
  });
});

describe('local evaluation before the first state from the service', () => {
  it("answers a bootstrap value (DEFAULT) for booleans, and the caller's default with PROVIDER_NOT_READY otherwise", async () => {
    const port = await freePort(); // nothing listens there
    const client = createFlagClient({
      url: `http://127.0.0.1:${port}`,
      ...FAST,
      bootstrap: { 'local.boot': true },
    });
    try {
      expect(client.getBooleanDetails('local.boot', false, USER)).toEqual({
        flagKey: 'local.boot',
        value: true,
        reason: 'DEFAULT',
      });
      expect(client.getStringDetails('local.boot', 'x')).toMatchObject({
        value: 'x',
        errorCode: 'TYPE_MISMATCH',
      });
      expect(client.getBooleanDetails('local.other', false)).toMatchObject({
        value: false,
        reason: 'ERROR',
        errorCode: 'PROVIDER_NOT_READY',
      });
    } finally {
      await client.close();
    }
  });
});

describe('local evaluation reads prerequisites from the client state', () => {
  // Today's server sends no prerequisites; a state whose definitions have one (as the server's will)
  // shows the evaluator looks the prerequisite up in the same state.
  const record = (key: string, revision: number, isEnabled: boolean): Flag => ({
    key,
    isEnabled,
    description: '',
    version: 1,
    revision,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
  const requiringChild = (flag: Flag): FlagDefinition => {
    const definition = fromLegacyFlag(flag);
    const production = definition.environments.production;
    if (flag.key !== 'parent' || !production) return definition;
    return {
      ...definition,
      environments: {
        production: { ...production, prerequisites: [{ flag: 'child', variants: ['on'] }] },
      },
    };
  };

  it('serves the parent while its prerequisite serves a listed variant, and its off variant once it does not', () => {
    const state = new FlagState(requiringChild);
    const local = new LocalEvaluator(state, 'production', new Map());
    state.replace([record('parent', 1, true), record('child', 2, true)], 2);
    expect(local.details('parent', false, 'boolean', USER)).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'DEFAULT',
    });

    state.apply({ kind: 'upsert', key: 'child', revision: 3, flag: record('child', 3, false) });
    expect(local.details('parent', true, 'boolean', USER)).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
      decision: { kind: 'prerequisite', flag: 'child', served: 'off' },
    });
  });
});
