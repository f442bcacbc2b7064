import { useState } from 'react';
import type { AuditDiffOp } from '../generated/graphql';
import { changeText, pathText } from './diff-text';

/** Differences listed before "show all" (a create lists one: the whole document). */
const FIRST_CHANGES = 12;

/**
 * A difference between two documents path by path, as the API computed it
 * (`environments.staging.enabled: false → true`): an audit entry's, or a promotion preview's.
 */
export function ChangeList({
  diff,
  label,
}: {
  diff: readonly { op: AuditDiffOp; path: string; before: unknown; after: unknown }[];
  label: string;
}) {
  const [all, setAll] = useState(false);
  const changes = all ? diff : diff.slice(0, FIRST_CHANGES);
  return (
    <>
      <ul className="changes" aria-label={label}>
        {changes.map((change) => (
          <li key={`${change.op}:${change.path}`} className={`change ${change.op.toLowerCase()}`}>
            <code className="path">{pathText(change.path)}</code>:{' '}
            <span className="value">{changeText(change)}</span>
          </li>
        ))}
      </ul>
      {diff.length > FIRST_CHANGES && (
        <button type="button" className="link" onClick={() => setAll((shown) => !shown)}>
          {all ? 'Show fewer changes' : `Show all ${diff.length} changes`}
        </button>
      )}
    </>
  );
}
