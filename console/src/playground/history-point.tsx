import { useEffect, useState } from 'react';
import { useSession } from '../api/session-context';
import { RevisionChangeDocument, type RevisionChangeQuery } from '../generated/graphql';
import { relativeTime } from '../history/diff-text';
import { entrySentence } from '../history/history-filter';

type Change = NonNullable<RevisionChangeQuery['auditLog']['edges'][number]>['node'];

/** Where an `asOf` answer lands (`historyPoint`), and what was asked. */
export interface AnsweredPoint {
  readonly revision: number;
  /** The moment asked for is now or later: the answer is the current state. */
  readonly live: boolean;
  /** The ISO time asked for; undefined when a revision was. */
  readonly askedTime: string | undefined;
}

/**
 * The change a revision is the state right after, for admins (the history is theirs): who did what,
 * when. A client token, or a read that fails, says the revision alone.
 */
function useRevisionChange(revision: number, mayReadHistory: boolean): Change | undefined {
  const { run } = useSession();
  const [change, setChange] = useState<Change>();
  useEffect(() => {
    setChange(undefined);
    if (!mayReadHistory || revision < 1) return;
    let stale = false;
    run(RevisionChangeDocument, { revision }).then(
      ({ auditLog }) => !stale && setChange(auditLog.edges[0]?.node),
      (err: unknown) => console.warn('reading the change of revision', revision, 'failed', err),
    );
    return () => {
      stale = true;
    };
  }, [run, revision, mayReadHistory]);
  return change;
}

/**
 * "As of 31/01/2025, 14:00:00: revision 42, right after alice toggled flag checkout in production, 5
 * minutes ago (…)": which state the results are, so a time asked for reads as the revision it landed on.
 */
export function HistoryPointText({ point }: { point: AnsweredPoint }) {
  const { viewer } = useSession();
  const change = useRevisionChange(point.revision, viewer.canWrite);
  let state: string;
  if (point.live) state = 'the current state (nothing has changed since)';
  else if (point.revision === 0) state = 'before the first change (no flag existed yet)';
  else if (change) {
    const other = change.revision === point.revision ? '' : ` (revision ${change.revision})`;
    state = `right after ${entrySentence(change)}${other}, ${relativeTime(change.at, Date.now())} (${new Date(change.at).toLocaleString()})`;
  } else state = 'right after the change with that revision';
  return (
    <p className="history-point" data-revision={point.revision}>
      {point.askedTime ? `As of ${new Date(point.askedTime).toLocaleString()}: ` : 'As of '}
      <strong>revision {point.revision}</strong>, {state}.
    </p>
  );
}
