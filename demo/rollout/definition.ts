import type { FlagDefinitionInput } from '@flagwire/core';

/** The flag the rollout panel watches and `--drive` rolls out. */
export const ROLLOUT_FLAG = 'checkout.new-flow';
/** The variant the rollout grows, and the one it takes users from. */
export const TREATMENT = 'treatment';
export const CONTROL = 'control';
/** What the targeting rule serves (pro users outside France), once `--drive` adds it. */
export const PREVIEW = 'preview';

/** One step of the driven rollout: the treatment's percentage, and whether the targeting rule is on. */
export interface RolloutStep {
  percent: number;
  rule: boolean;
}

/** What `--drive` writes, in turn: the percentage only grows, then a rule takes some users elsewhere. */
export const ROLLOUT_STEPS: readonly RolloutStep[] = [
  { percent: 0, rule: false },
  { percent: 10, rule: false },
  { percent: 50, rule: false },
  { percent: 100, rule: false },
  { percent: 100, rule: true },
];

/**
 * The whole definition `PUT /feature-flags/checkout.new-flow` takes for `step`, in production. The
 * fallthrough is a rollout whose weights list treatment FIRST, then control, at every step: a user's
 * bucket never moves (the total stays 100), and treatment's range [0, percent) only widens, so nobody in
 * treatment at 10% is in control at 50%. Listing them the other way round at some steps and not others
 * is exactly what would send users back (the panel counts those flip-backs).
 */
export function rolloutDefinition({ percent, rule }: RolloutStep): FlagDefinitionInput {
  return {
    key: ROLLOUT_FLAG,
    description: `New checkout: ${percent}% of users${rule ? ', pro plans outside France on the preview' : ''}`,
    type: 'string',
    variants: { [CONTROL]: 'v1', [TREATMENT]: 'v2', [PREVIEW]: 'v3', off: 'v0' },
    environments: {
      production: {
        enabled: true,
        offVariant: 'off',
        rules: rule
          ? [
              {
                id: 'pro-preview',
                clauses: [
                  { attribute: 'plan', op: 'in', values: ['pro'] },
                  { attribute: 'country', op: 'in', values: ['FR'], negate: true },
                ],
                serve: { variant: PREVIEW },
              },
            ]
          : [],
        fallthrough: {
          rollout: {
            weights: [
              { variant: TREATMENT, weight: percent },
              { variant: CONTROL, weight: 100 - percent },
            ],
          },
        },
      },
    },
  };
}

/** How a step reads in the driver's log. */
export function describeStep({ percent, rule }: RolloutStep): string {
  return `${percent}% ${TREATMENT}${rule ? ' + rule plan in [pro] and country not in [FR] -> preview' : ''}`;
}
