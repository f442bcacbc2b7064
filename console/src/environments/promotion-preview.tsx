import { Link } from 'wouter';
import type { PromoteMutation, PromotionStatus } from '../generated/graphql';
import { ChangeList } from '../history/change-list';
import { DocumentsSideBySide } from '../history/side-by-side';

type Promotion = PromoteMutation['promote'];
type PromotedFlag = Promotion['flags'][number];

const STATUS_TEXT: { readonly [S in PromotionStatus]: (from: string) => string } = {
  CHANGED: () => 'changed',
  UNCHANGED: () => 'unchanged',
  NOT_IN_SOURCE: (from) => `not in ${from}`,
};

/** A flag's configuration in one environment, from the flag's whole document. */
function configIn(definition: unknown, environment: string): unknown {
  if (typeof definition !== 'object' || definition === null) return undefined;
  const { environments } = definition as { environments?: Record<string, unknown> };
  return environments && Object.hasOwn(environments, environment) ? environments[environment] : undefined;
}

/** How many flags of each status: "2 changed, 1 unchanged, 1 not in staging". */
export function statusCounts(promotion: Promotion): string {
  const counts = new Map<PromotionStatus, number>();
  for (const flag of promotion.flags) counts.set(flag.status, (counts.get(flag.status) ?? 0) + 1);
  return (['CHANGED', 'UNCHANGED', 'NOT_IN_SOURCE'] as const)
    .filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${STATUS_TEXT[status](promotion.from)}`)
    .join(', ');
}

function FlagOutcome({
  flag,
  promotion,
  conflicted,
}: {
  flag: PromotedFlag;
  promotion: Promotion;
  conflicted: boolean;
}) {
  const { from, to, dryRun } = promotion;
  const status = STATUS_TEXT[flag.status](from);
  const classes = ['card', 'promoted', flag.status.toLowerCase().replaceAll('_', '-')];
  if (conflicted) classes.push('conflicted');
  return (
    <li className={classes.join(' ')} data-flag={flag.key} data-status={flag.status}>
      <p className="entry-title">
        <Link href={`/flags/${encodeURIComponent(flag.key)}`} className="record-key">
          {flag.key}
        </Link>{' '}
        <span className={`status ${classes[2]}`}>{status}</span>{' '}
        <span className="muted">
          version {flag.version}
          {flag.revision !== null && ` · revision ${flag.revision}`}
        </span>
        {conflicted && <span className="badge">changed since the preview</span>}
      </p>
      {flag.status === 'CHANGED' && (
        <>
          <ChangeList
            diff={flag.diff}
            label={`What ${dryRun ? 'would change' : 'changed'} in flag ${flag.key}`}
          />
          {dryRun && (
            <details className="states">
              <summary>{to} now and after, side by side</summary>
              <DocumentsSideBySide
                before={configIn(flag.flag.definition, to)}
                after={configIn(flag.flag.definition, from)}
                beforeHeading={`${to} now (version ${flag.version})`}
                afterHeading={`${to} after: ${from}'s configuration`}
                label={`Flag ${flag.key} in ${to}, now and after the promotion`}
              />
            </details>
          )}
        </>
      )}
      {flag.status === 'NOT_IN_SOURCE' && (
        <p className="muted">
          No configuration in {from}: nothing to copy, {to} keeps its own.
        </p>
      )}
    </li>
  );
}

/**
 * A promotion, previewed or applied: per flag its status, version and (changed) the difference path by
 * path and the target's configuration now beside what it becomes. `conflicted` marks the flag an apply
 * found changed since the preview.
 */
export function PromotionFlags({
  promotion,
  conflicted,
}: {
  promotion: Promotion;
  conflicted: string | undefined;
}) {
  if (promotion.flags.length === 0) return <p className="muted">No flag matches this selection.</p>;
  return (
    <ul className="cards promotion-flags" aria-label={`Flags, ${promotion.from} to ${promotion.to}`}>
      {promotion.flags.map((flag) => (
        <FlagOutcome key={flag.key} flag={flag} promotion={promotion} conflicted={flag.key === conflicted} />
      ))}
    </ul>
  );
}
