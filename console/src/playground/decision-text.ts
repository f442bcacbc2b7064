import { formatPercent } from '../flags/targeting-summary';
import type { EvaluationRowFragment, FlagRolloutsFragment } from '../generated/graphql';

type Decision = NonNullable<EvaluationRowFragment['decision']>;
type Rollout = NonNullable<Decision['rollout']>;

/** What decided, in words: "rule 2 (beta-users)", "individual target 1", "prerequisite checkout failed". */
export function decidedBy(decision: Decision | null): string {
  if (!decision) return '—';
  switch (decision.kind) {
    case 'FLAG_NOT_FOUND':
      return 'no such flag';
    case 'ENVIRONMENT_NOT_CONFIGURED':
      return 'not configured in this environment';
    case 'DISABLED':
      return 'the flag is off';
    case 'PREREQUISITE': {
      const p = decision.prerequisite;
      return p
        ? `prerequisite ${p.flag} served ${p.served ?? 'nothing'} (${p.reason}), not ${p.variants.join(' or ')}`
        : 'a prerequisite failed';
    }
    case 'TARGET':
      return `individual target ${(decision.index ?? 0) + 1}`;
    case 'RULE':
      return `rule ${(decision.index ?? 0) + 1}${decision.ruleId ? ` (${decision.ruleId})` : ''}`;
    case 'FALLTHROUGH':
      return 'fallthrough (no target or rule matched)';
  }
}

/**
 * The weights of the rollout that decided, from the flag as evaluated: the list's (now), or as it was
 * (`asOf`). A flag row is a superset of its rollouts.
 */
function weightsOf(flag: FlagRolloutsFragment | undefined, environment: string, decision: Decision) {
  const config = flag?.environments.find((e) => e.environment === environment);
  const serve = decision.kind === 'RULE' ? config?.rules[decision.index ?? -1]?.serve : config?.fallthrough;
  return serve?.rollout?.weights;
}

/**
 * Where a rollout put this context: "bucket 2,481 of 10,000 → on (0–2,499, 25%)": the bucket drawn and the
 * range of the weight it fell in.
 */
export function bucketText(
  rollout: Rollout,
  flag: FlagRolloutsFragment | undefined,
  environment: string,
  decision: Decision,
): string {
  const n = (x: number) => x.toLocaleString('en');
  const weights = weightsOf(flag, environment, decision);
  let start = 0;
  for (const [i, w] of (weights ?? []).entries()) {
    if (i === rollout.index)
      return `bucket ${n(rollout.bucket)} of ${n(rollout.totalWeight)} → ${w.variant} (${n(start)}–${n(start + w.weight - 1)}, ${formatPercent((w.weight * 100) / rollout.totalWeight)}) · by ${rollout.bucketBy}`;
    start += w.weight;
  }
  return `bucket ${n(rollout.bucket)} of ${n(rollout.totalWeight)} → entry ${rollout.index + 1} · by ${rollout.bucketBy}`;
}
