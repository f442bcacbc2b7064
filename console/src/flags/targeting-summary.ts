import type { FlagRowFragment } from '../generated/graphql';

type EnvironmentRow = FlagRowFragment['environments'][number];
type Serve = EnvironmentRow['fallthrough'];

/** What a serve does, in a few words: `variant on`, or `rollout 25% on / 75% off`. */
export function describeServe(serve: Serve): string {
  if (serve.variant !== null) return serve.variant;
  const weights = serve.rollout?.weights ?? [];
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  if (total <= 0) return 'rollout';
  return `rollout ${weights.map((w) => `${formatPercent((w.weight * 100) / total)} ${w.variant}`).join(' / ')}`;
}

/** 25 -> "25%", 33.333 -> "33.33%". */
export function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : Number(percent.toFixed(2))}%`;
}

/**
 * The kind of targeting of one environment, for the list: "3 rules · 2 targets · rollout 25% on / 75%
 * off", or the fixed variant everyone gets when there is none.
 */
export function targetingSummary(environment: EnvironmentRow): string {
  const parts: string[] = [];
  const rules = environment.rules.length;
  if (rules > 0) parts.push(`${rules} rule${rules === 1 ? '' : 's'}`);
  const rolloutRules = environment.rules.filter((rule) => rule.serve.rollout !== null).length;
  if (rolloutRules > 0) parts.push(`${rolloutRules} with rollout`);
  const targets = environment.targets.length;
  if (targets > 0) parts.push(`${targets} target${targets === 1 ? '' : 's'}`);
  parts.push(
    environment.fallthrough.variant !== null
      ? `${parts.length > 0 ? 'else ' : 'all '}${environment.fallthrough.variant}`
      : describeServe(environment.fallthrough),
  );
  return parts.join(' · ');
}
