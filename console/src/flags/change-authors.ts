import { useEffect, useState } from 'react';
import { useSession } from '../api/session-context';
import {
  type ChangeAuthorFragment,
  FlagChangeAuthorDocument,
  FlagChangeAuthorsDocument,
  LatestFlagChangeDocument,
  RecentFlagChangesDocument,
} from '../generated/graphql';

export type ChangeAuthor = ChangeAuthorFragment;

/** How many of the newest flag changes the list reads to name who made them: one request, any flag count. */
const RECENT = 500;

const newer = (held: ChangeAuthor | undefined, entry: ChangeAuthor) =>
  !held || entry.revision > held.revision;

/**
 * Who made the latest change of each recently changed flag, by key: the newest {@link RECENT} flag
 * entries of the audit history (one request), kept current by `auditEntryAdded`. A flag's last change
 * is known when its `revision` is the entry's; older changes are not looked up (that would cost a
 * request per flag). Admins only: for other tokens (which may not read the history) it stays empty.
 */
export function useRecentChangeAuthors(enabled: boolean): ReadonlyMap<string, ChangeAuthor> {
  const { run, live } = useSession();
  const [authors, setAuthors] = useState<ReadonlyMap<string, ChangeAuthor>>(new Map());
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    const merge = (entries: readonly ChangeAuthor[]) =>
      !stopped &&
      setAuthors((held) => {
        const next = new Map(held);
        for (const entry of entries) if (newer(next.get(entry.key), entry)) next.set(entry.key, entry);
        return next;
      });
    // The socket's first `connected` may come just after the first read started: one read serves both.
    let reading: Promise<unknown> | undefined;
    const read = () => {
      reading ??= run(RecentFlagChangesDocument, { first: RECENT })
        .then(
          ({ auditLog }) => merge(auditLog.edges.map((edge) => edge.node)),
          (err: unknown) => console.warn('reading who changed the flags failed', err),
        )
        .finally(() => {
          reading = undefined;
        });
      return reading;
    };
    const stop = live.watch(
      FlagChangeAuthorsDocument,
      {},
      { next: ({ auditEntryAdded }) => merge([auditEntryAdded]), live: () => void read(), refused: () => {} },
    );
    void read();
    return () => {
      stopped = true;
      stop();
    };
  }, [enabled, run, live]);
  return authors;
}

/** One flag's latest change (its editor's "last change by"), kept current; undefined until known. */
export function useLatestChange(key: string, enabled: boolean): ChangeAuthor | undefined {
  const { run, live } = useSession();
  const [latest, setLatest] = useState<ChangeAuthor>();
  useEffect(() => {
    setLatest(undefined);
    if (!enabled) return;
    let stopped = false;
    const take = (entry: ChangeAuthor | undefined) =>
      entry && !stopped && setLatest((held) => (newer(held, entry) ? entry : held));
    let reading: Promise<unknown> | undefined;
    const read = () => {
      reading ??= run(LatestFlagChangeDocument, { key })
        .then(
          ({ auditLog }) => take(auditLog.edges[0]?.node),
          (err: unknown) => console.warn('reading the last change failed', err),
        )
        .finally(() => {
          reading = undefined;
        });
      return reading;
    };
    const stop = live.watch(
      FlagChangeAuthorDocument,
      { key },
      { next: ({ auditEntryAdded }) => take(auditEntryAdded), live: () => void read(), refused: () => {} },
    );
    void read();
    return () => {
      stopped = true;
      stop();
    };
  }, [key, enabled, run, live]);
  return latest;
}
