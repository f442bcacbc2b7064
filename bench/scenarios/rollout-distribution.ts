// rollout-distribution: how evenly @flagwire/core's rollouts (flagd's fractional v2) split 100,000 distinct
// keys (user-0 .. user-99999), for a few weight sets: each variant's observed share against its weight.
// Deterministic (a property of the hash), so it runs in the bench's own process and is not timed.
import { evaluate, FlagDefinition } from '../../packages/core/src/index.js';
import { fmt, type ScenarioResult } from '../support/results.js';

export const DISTRIBUTION_KEYS = 100_000;
/** Percentage points: the most any variant's share may differ from its weight. */
export const DISTRIBUTION_TARGET_PP = 0.5;

const WEIGHT_SETS: readonly (readonly number[])[] = [
  [10, 90],
  [50, 50],
  [33, 33, 34],
  [1, 99],
  [25, 25, 25, 25],
];

interface Distribution {
  weights: readonly number[];
  /** Observed share of each variant, in percent, in the order of the weights. */
  shares: number[];
  /** The largest |share - weight share| over the variants, in percentage points. */
  maxDeviationPp: number;
}

/** A flag whose production fallthrough is a rollout over `weights` (variants v0, v1, ...). */
function rolloutFlag(weights: readonly number[]): FlagDefinition {
  const names = weights.map((_, i) => `v${i}`);
  return FlagDefinition.parse({
    key: `distribution.${weights.join('-')}`,
    type: 'string',
    variants: Object.fromEntries([...names, 'off'].map((name) => [name, name])),
    environments: {
      production: {
        enabled: true,
        offVariant: 'off',
        fallthrough: { rollout: { weights: names.map((variant, i) => ({ variant, weight: weights[i] })) } },
      },
    },
  });
}

function distributionOf(weights: readonly number[]): Distribution {
  const flag = rolloutFlag(weights);
  const counts = new Map<string, number>();
  for (let i = 0; i < DISTRIBUTION_KEYS; i++) {
    const { variant, errorCode } = evaluate(
      flag,
      'production',
      { targetingKey: `user-${i}` },
      { defaultValue: '' },
    );
    if (errorCode !== undefined || variant === undefined) throw new Error(`user-${i}: ${errorCode}`);
    counts.set(variant, (counts.get(variant) ?? 0) + 1);
  }
  const total = weights.reduce((sum, w) => sum + w, 0);
  const shares = weights.map((_, i) => ((counts.get(`v${i}`) ?? 0) / DISTRIBUTION_KEYS) * 100);
  const maxDeviationPp = Math.max(
    ...shares.map((share, i) => Math.abs(share - ((weights[i] ?? 0) / total) * 100)),
  );
  return { weights, shares, maxDeviationPp };
}

export function runRolloutDistribution(): ScenarioResult {
  const distributions = WEIGHT_SETS.map(distributionOf);
  const worst = Math.max(...distributions.map((d) => d.maxDeviationPp));
  const describe = (d: Distribution) =>
    `${d.weights.join('/')} -> ${d.shares.map((s) => s.toFixed(2)).join('/')} (${d.maxDeviationPp.toFixed(2)} pp)`;
  return {
    id: 'rollout-distribution',
    measure: `observed share per variant vs its weight over ${fmt.int(DISTRIBUTION_KEYS)} keys; max deviation`,
    result: `max ${worst.toFixed(2)} pp; ${distributions.map(describe).join('; ')}`,
    baseline: '—',
    target: `<= ${DISTRIBUTION_TARGET_PP} pp`,
    status: worst <= DISTRIBUTION_TARGET_PP ? 'met' : 'missed',
    cpu: '—',
    details: { keys: DISTRIBUTION_KEYS, distributions, maxDeviationPp: worst },
  };
}
