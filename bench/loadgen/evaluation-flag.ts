// The flag local-evaluation measures (and evaluator-comparison translates for flagd and Unleash): 5 rules,
// then a 10/90 rollout, with one segment, and the varied contexts it is evaluated for.
import { type EvaluationContext, FlagDefinition, Segment } from '../../packages/core/src/index.js';

export const RULES = [
  {
    id: 'enterprise',
    clauses: [{ attribute: 'plan', op: 'in', values: ['enterprise', 'team'] }],
    serve: { variant: 'treatment' },
  },
  {
    id: 'staff',
    clauses: [
      { attribute: 'email', op: 'endsWith', values: ['@flagwire.dev'] },
      { attribute: 'country', op: 'notIn', values: ['FR'] },
    ],
    serve: { variant: 'treatment' },
  },
  {
    id: 'old-apps',
    clauses: [{ attribute: 'appVersion', op: 'semverLt', values: ['2.0.0'] }],
    serve: { variant: 'legacy' },
  },
  {
    id: 'beta',
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
  {
    id: 'bots',
    clauses: [{ attribute: 'userAgent', op: 'startsWith', values: ['Googlebot', 'bingbot'] }],
    serve: { variant: 'control' },
  },
] as const;

/** The flag measured: 5 rules (most contexts walk all of them), then a 10/90 rollout. */
export const FLAG = flagWith(RULES);

/** The same with its last rule a regular expression (re2js), measured beside it. */
export const FLAG_WITH_REGEX = flagWith([
  ...RULES.slice(0, 4),
  {
    id: 'bots',
    clauses: [{ attribute: 'userAgent', op: 'matches', values: ['(?i)bot|crawler|spider'] }],
    serve: { variant: 'control' },
  },
]);

function flagWith(rules: readonly unknown[]): FlagDefinition {
  return FlagDefinition.parse({
    key: 'checkout.new-flow',
    type: 'string',
    variants: { control: 'v1', treatment: 'v2', off: 'v0', legacy: 'v-legacy' },
    environments: {
      production: {
        enabled: true,
        offVariant: 'off',
        rules,
        fallthrough: {
          rollout: {
            weights: [
              { variant: 'treatment', weight: 10_000 },
              { variant: 'control', weight: 90_000 },
            ],
          },
        },
      },
    },
  });
}

/** The `beta-testers` segment's included keys (the rest of it: `betaOptIn` is true). */
export const BETA_TESTERS = Array.from({ length: 100 }, (_, i) => `user-${i * 97}`);

export const SEGMENTS = new Map([
  [
    'beta-testers',
    Segment.parse({
      key: 'beta-testers',
      included: BETA_TESTERS,
      rules: [{ clauses: [{ attribute: 'betaOptIn', op: 'in', values: ['true'] }] }],
    }),
  ],
]);

/** Varied contexts: ~1% enterprise, ~1% staff, ~10% old apps, ~1% beta, ~1% bots; the rest reach the rollout. */
export function contexts(count: number): EvaluationContext[] {
  const plans = ['free', 'free', 'free', 'pro', 'pro'];
  return Array.from({ length: count }, (_, i) => ({
    targetingKey: `user-${i}`,
    plan: i % 100 === 1 ? 'enterprise' : (plans[i % plans.length] as string),
    email: i % 100 === 2 ? `u${i}@flagwire.dev` : `u${i}@example.com`,
    country: ['US', 'FR', 'DE', 'JP'][i % 4] as string,
    appVersion: i % 10 === 3 ? '1.9.2' : `2.${i % 7}.${i % 3}`,
    betaOptIn: i % 100 === 4,
    userAgent: i % 100 === 5 ? 'Googlebot/2.1' : 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  }));
}
