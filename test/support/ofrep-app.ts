import { fromLegacyFlag, legacyEnvironmentConfig } from '@flagwire/core';
import { environmentRecordKey, segmentRecordKey } from '../../src/flags/flag.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { sendJson, startTestApp } from './app.js';
import { asCreate } from './audit.js';

/*
 * The app the OFREP and GraphQL `evaluate` tests evaluate against: tokens, a small body limit, a segment
 * and an environment written to the store (as their APIs will write them), a definition the service
 * would refuse (stored around it), and flags PUT through REST.
 */

export const ADMIN = 'admin-token-0123456789abcdef';
export const READER = 'client-token-0123456789abcdef';
/** A frontend token (evaluates only), bound to production. */
export const FRONTEND = 'frontend-token-0123456789abcdef';
/** A frontend token bound to staging. */
export const STAGING_FRONTEND = 'frontend-staging-0123456789abcdef';
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const BODY_LIMIT = 4096;

/** The example, with its prerequisite and segment. */
export const NEW_FLOW = {
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

export const ROLLOUT = {
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

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

export function evaluateOver(
  app: TestApp,
  key: string,
  body: unknown,
  headers: Record<string, string> = bearer(READER),
  query = '',
) {
  return sendJson(app, 'POST', `/ofrep/v1/evaluate/flags/${encodeURIComponent(key)}${query}`, body, headers);
}

/** `POST /ofrep/v1/evaluate/flags` (bulk) with `body` as JSON. */
export function evaluateAllOver(
  app: TestApp,
  body: unknown,
  headers: Record<string, string> = bearer(READER),
  query = '',
) {
  return sendJson(app, 'POST', `/ofrep/v1/evaluate/flags${query}`, body, headers);
}

export async function answer(res: Response): Promise<{ status: number; body: unknown }> {
  return { status: res.status, body: await res.json() };
}

/**
 * The app with its fixtures (see above), and `env` on top (e.g. REDIS_URL); `stop()` and
 * `removeDataDir()` are the caller's.
 */
export async function startOfrepApp(env: Record<string, string> = {}): Promise<TestApp> {
  // What the segments and environments APIs will write; until they exist, written to the store directly.
  const store = new MemoryFlagStore();
  await store.insert(
    segmentRecordKey('beta-testers'),
    {
      kind: 'segment',
      definition: { key: 'beta-testers', description: '', included: ['user-9'], excluded: [], rules: [] },
    },
    asCreate,
  );
  await store.insert(
    environmentRecordKey('staging'),
    {
      kind: 'environment',
      definition: { key: 'staging', description: '' },
    },
    asCreate,
  );
  // A definition validation would refuse (its offVariant is no variant): only a store written by
  // something else than this service can hold one.
  const broken = fromLegacyFlag({ key: 'broken', isEnabled: true });
  const production = legacyEnvironmentConfig(true);
  await store.insert(
    'broken',
    {
      kind: 'flag',
      definition: {
        ...broken,
        environments: { production: { ...production, offVariant: 'gone' } },
      },
    },
    asCreate,
  );
  const app = await startTestApp(
    {
      ADMIN_TOKENS: ADMIN,
      CLIENT_TOKENS: READER,
      FRONTEND_TOKENS: `${FRONTEND}, staging ${STAGING_FRONTEND}`,
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
      ...env,
    },
    { store },
  );
  const put = async (key: string, definition: unknown) => {
    const res = await sendJson(app, 'PUT', `/feature-flags/${key}`, definition, bearer(ADMIN));
    if (res.status !== 201) throw new Error(`PUT ${key}: ${res.status} ${await res.text()}`);
  };
  await put('checkout.enabled', fromLegacyFlag({ key: 'checkout.enabled', isEnabled: true }));
  await put('checkout.new-flow', NEW_FLOW);
  await put('rollout', ROLLOUT);
  await put('nowhere', { type: 'boolean', variants: { on: true, off: false }, environments: {} });
  return app;
}
