import type { FlagDefinition } from '@flagwire/core';

/** What the panel reads off a definition: how much of the fallthrough goes to `treatment`, and the rules. */
export interface RolloutShape {
  /** The treatment's share of the fallthrough, 0..1 (0 when the flag is absent or disabled). */
  share: number;
  /** How many targeting rules come before the fallthrough. */
  rules: number;
}

/**
 * The shape of `definition` in `environment`, as the panel shows it. The share is what decides whether
 * a user leaving treatment is a flip-back (the share did not shrink) or a rollback (it did).
 */
export function rolloutShape(
  definition: FlagDefinition | undefined,
  environment: string,
  treatment: string,
): RolloutShape {
  const config = definition?.environments[environment];
  if (!config?.enabled) return { share: 0, rules: config?.rules.length ?? 0 };
  const serve = config.fallthrough;
  if ('variant' in serve) return { share: serve.variant === treatment ? 1 : 0, rules: config.rules.length };
  const { weights } = serve.rollout;
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  const mine = weights.reduce((sum, w) => sum + (w.variant === treatment ? w.weight : 0), 0);
  return { share: total > 0 ? mine / total : 0, rules: config.rules.length };
}
