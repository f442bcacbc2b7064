// bench/loadgen/evaluation-flag.ts's flag as Unleash users write it, evaluated offline (bootstrap data, no
// server): one strategy per rule, in order, each with its constraints and the variant it serves; the
// segment's key list as an Unleash segment (its `betaOptIn` rule a second strategy: a segment's
// constraints are AND-ed, the Flagwire segment ORs them); the 50/50 split as strategy variants, and the
// 10/90 fallthrough as a 10% gradual rollout (flexibleRollout) followed by everyone else.
// Unleash buckets with its own hash (murmur3 of `groupId:userId`), so a user can land on the other side of
// a split than in flagd or Flagwire: there the deciding strategy (seen through a twin whose payloads name
// it) and the shares are what must agree.
import type { ClientFeaturesResponse, Context } from 'unleash-client';
import { type Constraint, Operator } from 'unleash-client/lib/strategy/strategy.js';
import { PayloadType, type VariantDefinition } from 'unleash-client/lib/variant.js';
import type { EvaluationContext } from '../../packages/core/src/index.js';
import { BETA_TESTERS } from '../loadgen/evaluation-flag.js';

export const UNLEASH_FLAG_KEY = 'checkout.new-flow';

const VALUES = { control: 'v1', treatment: 'v2', off: 'v0', legacy: 'v-legacy' } as const;
type VariantName = keyof typeof VALUES;

const BETA_SEGMENT = 1;

/**
 * Which Flagwire layer a strategy stands for (a rule id, or `fallthrough`). With `tagLayers` it prefixes every
 * payload ("beta:v2"), so a verification twin of the flag says which strategy decided; Unleash's answer
 * does not say otherwise.
 */
type Layer = 'enterprise' | 'staff' | 'old-apps' | 'beta' | 'bots' | 'fallthrough';

function constraint(contextName: string, operator: Operator, values: string[]): Constraint {
  return operator === Operator.SEMVER_LT
    ? { contextName, operator, inverted: false, values: [], value: values[0] as string }
    : { contextName, operator, inverted: false, values };
}

/** A flexibleRollout (gradual rollout) strategy: `rollout` percent of the users its constraints admit. */
function strategy(
  serves: { layer: Layer; rollout: number; variants: [VariantName, number][]; tagLayers: boolean },
  constraints: Constraint[],
  segments: number[] = [],
) {
  const variants: VariantDefinition[] = serves.variants.map(([name, weight]) => ({
    name,
    weight,
    stickiness: 'default',
    payload: {
      type: PayloadType.STRING,
      value: serves.tagLayers ? `${serves.layer}:${VALUES[name]}` : VALUES[name],
    },
  }));
  return {
    name: 'flexibleRollout',
    parameters: { rollout: String(serves.rollout), stickiness: 'default', groupId: UNLEASH_FLAG_KEY },
    constraints,
    segments,
    variants,
  };
}

/** The bootstrap data: the feature and its segment (`tagLayers`: payloads say which layer decided). */
export function unleashFeatures(tagLayers = false): ClientFeaturesResponse {
  const serve = (layer: Layer, variants: [VariantName, number][], rollout = 100) => ({
    layer,
    rollout,
    variants,
    tagLayers,
  });
  const split: [VariantName, number][] = [
    ['treatment', 500],
    ['control', 500],
  ];
  return {
    version: 2,
    segments: [{ id: BETA_SEGMENT, constraints: [constraint('userId', Operator.IN, [...BETA_TESTERS])] }],
    features: [
      {
        name: UNLEASH_FLAG_KEY,
        enabled: true,
        type: 'release',
        project: 'default',
        variants: [],
        strategies: [
          strategy(serve('enterprise', [['treatment', 1000]]), [
            constraint('plan', Operator.IN, ['enterprise', 'team']),
          ]),
          strategy(serve('staff', [['treatment', 1000]]), [
            constraint('email', Operator.STR_ENDS_WITH, ['@flagwire.dev']),
            constraint('country', Operator.NOT_IN, ['FR']),
          ]),
          strategy(serve('old-apps', [['legacy', 1000]]), [
            constraint('appVersion', Operator.SEMVER_LT, ['2.0.0']),
          ]),
          strategy(serve('beta', split), [], [BETA_SEGMENT]),
          strategy(serve('beta', split), [constraint('betaOptIn', Operator.IN, ['true'])]),
          strategy(serve('bots', [['control', 1000]]), [
            constraint('userAgent', Operator.STR_STARTS_WITH, ['Googlebot', 'bingbot']),
          ]),
          strategy(serve('fallthrough', [['treatment', 1000]], 10), []),
          strategy(serve('fallthrough', [['control', 1000]]), []),
        ],
      },
    ],
  };
}

/** A Flagwire context as an Unleash context: the targeting key is `userId`, the rest are string properties. */
export function unleashContext(context: EvaluationContext): Context {
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(context))
    if (name !== 'targetingKey' && value !== undefined && value !== null) properties[name] = String(value);
  return context.targetingKey === undefined ? { properties } : { userId: context.targetingKey, properties };
}
