import { Link } from 'wouter';
import type { EvaluationRowFragment, FlagRolloutsFragment } from '../generated/graphql';
import { bucketText, decidedBy } from './decision-text';

/** Rows drawn at most: a filter narrows the rest. */
const MAX_ROWS = 500;

/**
 * Every flag's evaluation: value, variant, reason (with the error), what decided, and for a rollout the
 * bucket drawn and the weight range it fell in, read from `flags`: the flags the answer was evaluated on
 * (now, or as they were).
 */
export function ResultsTable({
  rows,
  environment,
  flags,
}: {
  rows: readonly EvaluationRowFragment[];
  environment: string;
  flags: ReadonlyMap<string, FlagRolloutsFragment>;
}) {
  return (
    <table className="results">
      <thead>
        <tr>
          <th scope="col">Flag</th>
          <th scope="col">Value</th>
          <th scope="col">Variant</th>
          <th scope="col">Reason</th>
          <th scope="col">Decided by</th>
        </tr>
      </thead>
      <tbody>
        {rows.slice(0, MAX_ROWS).map((row) => (
          <tr key={row.key} data-flag={row.key}>
            <th scope="row">
              <Link href={`/flags/${encodeURIComponent(row.key)}`}>{row.key}</Link>
            </th>
            <td>
              <code>
                {row.value === null || row.value === undefined
                  ? '(caller default)'
                  : JSON.stringify(row.value)}
              </code>
            </td>
            <td>{row.variant ?? '—'}</td>
            <td>
              {row.reason}
              {row.errorCode && (
                <span className="field-error">
                  {' '}
                  {row.errorCode}: {row.errorDetails}
                </span>
              )}
            </td>
            <td className="decided-by">
              {decidedBy(row.decision)}
              {row.decision?.rollout && (
                <span className="bucket">
                  {bucketText(row.decision.rollout, flags.get(row.key), environment, row.decision)}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
