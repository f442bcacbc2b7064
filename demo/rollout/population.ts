import type { EvaluationContext } from '@flagwire/core';

/** How many simulated users the rollout panel evaluates. */
export const POPULATION_SIZE = 1000;

const PLANS = ['free', 'free', 'free', 'free', 'free', 'free', 'pro', 'pro', 'pro', 'team'] as const;
const COUNTRIES = ['FR', 'DE', 'US', 'JP', 'BR'] as const;

/**
 * The panel's users: `targetingKey` user-0..user-{size-1}, each with a plan (6 in 10 free, 3 pro, 1 team)
 * and a country. Attributes follow from the index, not from a random draw, so every run (and the test
 * that predicts the panel's counts) sees the same population.
 */
export function simulatedUsers(size = POPULATION_SIZE): EvaluationContext[] {
  return Array.from({ length: size }, (_, i) => ({
    targetingKey: `user-${i}`,
    plan: PLANS[i % PLANS.length] as string,
    // A different stride from the plan's, so plans and countries mix.
    country: COUNTRIES[Math.floor(i / PLANS.length) % COUNTRIES.length] as string,
  }));
}
