/*
 * Percentage rollouts, bucketed exactly like flagd's `fractional` operator in its v2 high-precision form
 * (open-feature/flagd core/pkg/evaluator/fractional.go, `distributeValue`):
 *
 *   h      = unsigned murmur3 x86 32-bit (seed 0) of the UTF-8 bytes of `seed + value`
 *   bucket = floor(h * totalWeight / 2^32)            (Go: (uint64(h) * uint64(total)) >> 32)
 *   variant = the first, in the order listed, whose cumulative weight exceeds `bucket`
 *
 * Because a variant's range is [sum of the weights before it, + its weight), moving weight from the last
 * variant to the first only widens the first range: nobody already in the first variant ever leaves it.
 */
import { murmur3Concat } from './murmur3.js';

/** flagd's limit on the sum of the weights (math.MaxInt32); Flagwire's validation allows 100,000. */
export const FRACTIONAL_MAX_TOTAL_WEIGHT = 2_147_483_647;

const TWO_16 = 65_536;

/**
 * floor(hash * totalWeight / 2^32), exact for any unsigned 32-bit `hash` and integer `totalWeight` up to
 * 2^31 - 1, in plain numbers: the product can pass 2^53 (where doubles stop being exact), so it is split.
 * With hash = hi * 2^16 + lo, hash * W = (hi * W + floor(lo * W / 2^16)) * 2^16 + (lo * W mod 2^16), and
 * the last term (< 2^16) cannot carry into the quotient by 2^32. Every intermediate stays below 2^48.
 */
export function bucketOf(hash: number, totalWeight: number): number {
  const hi = Math.floor(hash / TWO_16);
  const lo = hash % TWO_16;
  return Math.floor((hi * totalWeight + Math.floor((lo * totalWeight) / TWO_16)) / TWO_16);
}

/** The string flagd hashes: the seed (by default the flag's key) then the bucketing value. */
export function bucketingInput(seed: string, value: string): string {
  return seed + value;
}

export interface WeightedEntry {
  readonly weight: number;
}

/**
 * The sum of the weights if every one is a non-negative integer and the total is 1..FRACTIONAL_MAX_TOTAL_WEIGHT;
 * otherwise `undefined` (a corrupt rollout: validation refuses it, the evaluator reports PARSE_ERROR).
 */
export function totalWeightOf(weights: readonly WeightedEntry[]): number | undefined {
  let total = 0;
  for (const { weight } of weights) {
    if (!Number.isInteger(weight) || weight < 0) return undefined;
    total += weight;
  }
  return total >= 1 && total <= FRACTIONAL_MAX_TOTAL_WEIGHT ? total : undefined;
}

/** Index of the first weight whose cumulative sum exceeds `bucket` (bucket < total, so one always does). */
export function pickIndex(weights: readonly number[], bucket: number): number {
  let rangeEnd = 0;
  for (let i = 0; i < weights.length; i++) {
    rangeEnd += weights[i] as number;
    if (bucket < rangeEnd) return i;
  }
  return weights.length - 1; // unreachable when bucket < total
}

export interface Split<T extends WeightedEntry> {
  entry: T;
  index: number;
  hash: number;
  bucket: number;
  totalWeight: number;
}

/**
 * flagd's fractional v2 for `seed + value` over `weights` (listed order). `undefined` when the weights
 * cannot be bucketed (see totalWeightOf).
 */
export function fractional<T extends WeightedEntry>(
  seed: string,
  value: string,
  weights: readonly T[],
): Split<T> | undefined {
  const totalWeight = totalWeightOf(weights);
  if (totalWeight === undefined) return undefined;
  const hash = murmur3Concat(seed, value); // = murmur3(bucketingInput(seed, value))
  const bucket = bucketOf(hash, totalWeight);
  const index = pickIndex(
    weights.map((w) => w.weight),
    bucket,
  );
  return { entry: weights[index] as T, index, hash, bucket, totalWeight };
}
