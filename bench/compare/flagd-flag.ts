// bench/loadgen/evaluation-flag.ts's flag as flagd users write it: JSON-logic targeting, the segment as a
// shared `$evaluators` entry, both rollouts as `fractional` (bucketing flagKey + targetingKey, flagd's
// default, which is also Flagwire's).
import type { EvaluationContext as OpenFeatureContext } from '@openfeature/core';
import type { EvaluationContext } from '../../packages/core/src/index.js';
import { BETA_TESTERS } from '../loadgen/evaluation-flag.js';

export const FLAGD_FLAG_KEY = 'checkout.new-flow';

const variable = (name: string) => ({ var: name });

/** One flagd flag-configuration document (what `FlagdCore.setConfigurations` takes). */
export function flagdConfiguration(): string {
  return JSON.stringify({
    $schema: 'https://flagd.dev/schema/v0/flags.json',
    $evaluators: {
      betaTesters: {
        or: [{ in: [variable('targetingKey'), BETA_TESTERS] }, { '==': [variable('betaOptIn'), true] }],
      },
    },
    flags: {
      [FLAGD_FLAG_KEY]: {
        state: 'ENABLED',
        variants: { control: 'v1', treatment: 'v2', off: 'v0', legacy: 'v-legacy' },
        defaultVariant: 'off',
        targeting: {
          if: [
            { in: [variable('plan'), ['enterprise', 'team']] },
            'treatment',
            {
              and: [
                { ends_with: [variable('email'), '@flagwire.dev'] },
                { '!': { in: [variable('country'), ['FR']] } },
              ],
            },
            'treatment',
            { sem_ver: [variable('appVersion'), '<', '2.0.0'] },
            'legacy',
            { $ref: 'betaTesters' },
            {
              fractional: [
                ['treatment', 50],
                ['control', 50],
              ],
            },
            {
              or: [
                { starts_with: [variable('userAgent'), 'Googlebot'] },
                { starts_with: [variable('userAgent'), 'bingbot'] },
              ],
            },
            'control',
            {
              fractional: [
                ['treatment', 10_000],
                ['control', 90_000],
              ],
            },
          ],
        },
      },
    },
  });
}

/** A Flagwire context as an OpenFeature one: the same flat attributes (the bench's are all strings or booleans). */
export function flagdContext(context: EvaluationContext): OpenFeatureContext {
  const converted: OpenFeatureContext = {};
  for (const [name, value] of Object.entries(context))
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      converted[name] = value;
  return converted;
}
