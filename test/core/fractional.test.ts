import {
  bucketOf,
  type EvaluationContext,
  evaluate,
  FlagDefinition,
  type FlagDefinitionInput,
  FRACTIONAL_MAX_TOTAL_WEIGHT,
  fractional,
  murmur3,
} from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

const suits = (...names: string[]) => names.map((variant) => ({ variant, weight: 25 }));
const quarter = suits('clubs', 'diamonds', 'hearts', 'spades');

/** A flag whose production fallthrough is `rollout`, evaluated as Flagwire's evaluator does it. */
function rolloutFlag(key: string, rollout: Record<string, unknown>): FlagDefinition {
  const weights = rollout.weights as { variant: string }[];
  const input: FlagDefinitionInput = {
    key,
    type: 'string',
    variants: Object.fromEntries([...weights.map((w) => [w.variant, w.variant]), ['wild', 'wild']]),
    environments: {
      production: { enabled: true, offVariant: 'wild', fallthrough: { rollout } as never },
    },
  };
  return FlagDefinition.parse(input);
}

function served(flag: FlagDefinition, context: EvaluationContext): string | undefined {
  return evaluate(flag, 'production', context, { defaultValue: 'fallback' }).variant;
}

/*
 * flagd's published fractional v2 vectors: open-feature/flagd-testbed, evaluator/gherkin/fractional.feature
 * (the @fractional-v2 examples) with the flags of evaluator/flags/testkit-flags.json, at commit
 * 82ba89ec8db498fa51368e558e4d87642d9e93c4. Each flagd `fractional` maps onto a Flagwire rollout:
 * - `{"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]}` -> seed = the flag key (the default),
 *   bucketBy an attribute holding the name (Flagwire's attributes are flat: `name` for flagd's user.name);
 * - `{"cat": ["shared-seed", {"var": "user.name"}]}` -> seed "shared-seed";
 * - no bucketing expression (shorthand) -> flagd hashes flagKey + targetingKey: seed default, bucketBy default;
 * - `{"var": "targetingKey"}` -> flagd hashes the targeting key alone: seed "".
 * A variant without a weight weighs 1 in flagd.
 */
describe("flagd's fractional v2 vectors (flagd-testbed fractional.feature)", () => {
  it.each([
    ['jack', 'hearts'],
    ['queen', 'spades'],
    ['ten', 'clubs'],
    ['nine', 'diamonds'],
    ['3', 'clubs'],
  ])('fractional-flag: user %s -> %s', (name, variant) => {
    const flag = rolloutFlag('fractional-flag', { bucketBy: 'name', weights: quarter });
    expect(served(flag, { name })).toBe(variant);
  });

  it.each([
    ['jon@company.com', 'heads'],
    ['jane@company.com', 'tails'],
  ])('fractional-flag-shorthand: targetingKey %s -> %s', (targetingKey, variant) => {
    const flag = rolloutFlag('fractional-flag-shorthand', {
      weights: [
        { variant: 'heads', weight: 1 },
        { variant: 'tails', weight: 1 },
      ],
    });
    expect(served(flag, { targetingKey })).toBe(variant);
  });

  it.each([
    ['seven', 'hearts', 'ace-of-hearts'],
    ['eight', 'diamonds', 'ace-of-diamonds'],
    ['nine', 'clubs', 'ace-of-clubs'],
    ['two', 'spades', 'ace-of-spades'],
  ])('fractional-flag-A/B-shared-seed: user %s -> %s (B: %s)', (name, variant, bValue) => {
    const a = rolloutFlag('fractional-flag-A-shared-seed', {
      bucketBy: 'name',
      seed: 'shared-seed',
      weights: quarter,
    });
    const b = FlagDefinition.parse({
      ...rolloutFlag('fractional-flag-B-shared-seed', {
        bucketBy: 'name',
        seed: 'shared-seed',
        weights: quarter,
      }),
      variants: {
        clubs: 'ace-of-clubs',
        diamonds: 'ace-of-diamonds',
        hearts: 'ace-of-hearts',
        spades: 'ace-of-spades',
        wild: 'wild',
      },
    });
    expect(served(a, { name })).toBe(variant);
    expect(evaluate(b, 'production', { name }, { defaultValue: '' }).value).toBe(bValue);
  });

  it('fractional-single-entry-flag: a single entry always resolves to it', () => {
    const flag = rolloutFlag('fractional-single-entry-flag', { weights: [{ variant: 'single', weight: 1 }] });
    expect(served(flag, { targetingKey: 'some-targeting-key' })).toBe('single');
  });

  it.each([
    ['ejOoVL', 'lower'],
    ['bY9fO-', 'lower'],
    ['SI7p-', 'lower'],
    ['6LvT0', 'upper'],
    ['ceQdGm', 'upper'],
  ])('fractional-hash-edge-flag: targetingKey %s -> %s', (targetingKey, variant) => {
    const flag = rolloutFlag('fractional-hash-edge-flag', {
      seed: '',
      weights: [
        { variant: 'lower', weight: 50 },
        { variant: 'upper', weight: 50 },
      ],
    });
    expect(served(flag, { targetingKey })).toBe(variant);
  });

  // STACK.md's vectors, computed with flagd's algorithm: the same as the feature file's first table.
  it('fractional() itself gives jack -> hearts, queen -> spades, ten -> clubs, nine -> diamonds, "3" -> clubs', () => {
    const pick = (name: string) => fractional('fractional-flag', name, quarter)?.entry.variant;
    expect(['jack', 'queen', 'ten', 'nine', '3'].map(pick)).toEqual([
      'hearts',
      'spades',
      'clubs',
      'diamonds',
      'clubs',
    ]);
  });
});

describe('bucket arithmetic', () => {
  const exact = (hash: number, total: number) => Number((BigInt(hash) * BigInt(total)) >> 32n);

  it('is floor(h * W / 2^32) exactly, for every 32-bit hash and every total up to 2^31 - 1 (where h * W passes 2^53)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.integer({ min: 1, max: FRACTIONAL_MAX_TOTAL_WEIGHT }),
        (hash, total) => {
          expect(bucketOf(hash, total)).toBe(exact(hash, total));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('is exact where a floating-point multiply rounds up: h * W one below a multiple of 2^32, past 2^53', () => {
    // For odd W, h = -W^-1 mod 2^32 makes h * W = k * 2^32 - 1: a double rounds that up to k * 2^32, so
    // Math.floor(h * W / 2^32) answers k where the exact bucket is k - 1. Random samples almost never hit this.
    const adversarialHash = (total: number) => {
      const w = BigInt(total);
      let inverse = w; // Newton's iteration for the inverse modulo 2^32 (w is odd)
      for (let i = 0; i < 5; i++) inverse = (inverse * (2n - w * inverse)) & 0xffffffffn;
      return Number((2n ** 32n - inverse) & 0xffffffffn);
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1 << 22, max: FRACTIONAL_MAX_TOTAL_WEIGHT }).map((w) => w | 1),
        (total) => {
          const hash = adversarialHash(total);
          expect((BigInt(hash) * BigInt(total)) % 2n ** 32n).toBe(2n ** 32n - 1n);
          expect(bucketOf(hash, total)).toBe(exact(hash, total));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    [0xffffffff, FRACTIONAL_MAX_TOTAL_WEIGHT],
    [0xffffffff, 100_000],
    [0x80000000, 3],
    [0xfffffffe, 2_147_483_646],
    [0x1fffff, 0x7ffffff1],
    [0, FRACTIONAL_MAX_TOTAL_WEIGHT],
  ])('is exact at the edges: hash %d, total %d', (hash, total) => {
    expect(bucketOf(hash, total)).toBe(exact(hash, total));
    expect(bucketOf(hash, total)).toBeLessThan(total);
  });

  it('hashes seed + value and uses the unsigned hash (a hash above 2^31 lands in the upper half)', () => {
    // 'upper' vectors above have hashes >= 2^31: a signed hash would put them in the lower half.
    expect(murmur3('6LvT0')).toBeGreaterThanOrEqual(2 ** 31);
    const split = fractional('', '6LvT0', [
      { variant: 'lower', weight: 50 },
      { variant: 'upper', weight: 50 },
    ]);
    expect(split).toMatchObject({ hash: murmur3('6LvT0'), totalWeight: 100, entry: { variant: 'upper' } });
  });

  it('refuses weights that are negative, fractional, or total 0 or more than 2^31 - 1', () => {
    for (const weights of [
      [-1, 2],
      [0.5, 0.5],
      [0, 0],
      [FRACTIONAL_MAX_TOTAL_WEIGHT, 1],
    ])
      expect(
        fractional(
          's',
          'v',
          weights.map((weight) => ({ variant: 'x', weight })),
        ),
      ).toBeUndefined();
  });
});

describe('rollouts keep users in their bucket', () => {
  const key = fc.string({ minLength: 1, maxLength: 24, unit: 'binary' });

  it('moving weight from the last variant to the first never moves a user who was in the first', () => {
    fc.assert(
      fc.property(
        key,
        fc.string({ maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 1, max: 30_000 }),
        (user, seed, rawWeights, moved) => {
          const weights = rawWeights.map((weight, i) => ({ variant: `v${i}`, weight }));
          const last = weights[weights.length - 1] as { weight: number };
          if (weights.reduce((sum, w) => sum + w.weight, 0) < 1) return;
          const shift = Math.min(moved, last.weight);
          const grown = weights.map((w, i) =>
            i === 0
              ? { ...w, weight: w.weight + shift }
              : i === weights.length - 1
                ? { ...w, weight: w.weight - shift }
                : w,
          );
          const before = fractional(seed, user, weights);
          const after = fractional(seed, user, grown);
          if (before?.index === 0) expect(after?.index).toBe(0);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a user never flips back while a two-variant rollout only grows 0 -> 10 -> 50 -> 100%', () => {
    fc.assert(
      fc.property(key, (user) => {
        let wasOn = false;
        for (const percent of [0, 1, 10, 25, 50, 99, 100]) {
          const split = fractional('checkout', user, [
            { variant: 'on', weight: percent * 1000 },
            { variant: 'off', weight: 100_000 - percent * 1000 },
          ]);
          const on = split?.entry.variant === 'on';
          if (wasOn) expect(on).toBe(true);
          wasOn = on;
        }
      }),
    );
  });

  it('spreads 100,000 keys within 0.5 percentage points of the weights', () => {
    const weights = [
      { variant: 'a', weight: 10 },
      { variant: 'b', weight: 25 },
      { variant: 'c', weight: 65 },
      { variant: 'd', weight: 0 },
    ];
    const counts = new Map<string, number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const variant = fractional('distribution-flag', `user-${i}`, weights)?.entry.variant ?? 'none';
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
    }
    for (const { variant, weight } of weights) {
      expect(Math.abs(((counts.get(variant) ?? 0) / n) * 100 - weight)).toBeLessThanOrEqual(0.5);
    }
    expect(counts.get('d')).toBeUndefined();
  });

  // The bench's rollout-distribution figure reports more weight sets; this pins the two most used, through
  // evaluate() itself (what the service and the client run), as a correctness property of the hash.
  it.each([
    [50, 50],
    [10, 90],
  ])(
    'evaluate() serves a %d/%d rollout to 100,000 distinct keys within 0.5 percentage points of its weights',
    (treatment, control) => {
      const flag = rolloutFlag('checkout.new-flow', {
        weights: [
          { variant: 'treatment', weight: treatment },
          { variant: 'control', weight: control },
        ],
      });
      const n = 100_000;
      let treated = 0;
      for (let i = 0; i < n; i++) if (served(flag, { targetingKey: `user-${i}` }) === 'treatment') treated++;
      const share = (treated / n) * 100;
      expect(Math.abs(share - treatment)).toBeLessThanOrEqual(0.5);
    },
  );

  it('reaches every bucket: a variant of weight 1 gets traffic whatever the total', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: FRACTIONAL_MAX_TOTAL_WEIGHT })
          .chain((total) => fc.tuple(fc.constant(total), fc.nat({ max: total - 1 }))),
        ([total, bucket]) => {
          // The smallest hash whose bucket is `bucket`: ceil(bucket * 2^32 / total).
          const first = Number((BigInt(bucket) * 2n ** 32n + BigInt(total) - 1n) / BigInt(total));
          expect(bucketOf(first, total)).toBe(bucket);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
