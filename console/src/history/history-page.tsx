import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useSession } from '../api/session-context';
import { useFlagList } from '../flags/flag-list-context';
import { AuditEntryCard } from './audit-entry-card';
import { HistoryFeed, type HistoryState, INITIAL_HISTORY } from './history-feed';
import {
  auditFilterOf,
  type HistoryFilter,
  type HistoryScope,
  historyFilterFromSearch,
  historyFilterToSearch,
} from './history-filter';
import { HistoryFilters } from './history-filters';
import { useNow } from './use-now';

const noSubscription = () => () => {};
const loading = (): HistoryState => INITIAL_HISTORY;

function basePath(scope: HistoryScope): string {
  if (scope.kind === 'flag') return `/flags/${encodeURIComponent(scope.key)}/history`;
  if (scope.kind === 'segment') return `/segments/${encodeURIComponent(scope.key)}/history`;
  return '/history';
}

function Heading({ scope }: { scope: HistoryScope }) {
  if (scope.kind === 'all') return <h1>History</h1>;
  return (
    <>
      <p className="breadcrumb">
        {scope.kind === 'flag' ? (
          <>
            <Link href="/">Flags</Link> /{' '}
            <Link href={`/flags/${encodeURIComponent(scope.key)}`}>{scope.key}</Link> / history
          </>
        ) : (
          <>
            <Link href="/segments">Segments</Link> / {scope.key} / history
          </>
        )}
      </p>
      <h1>
        History of {scope.kind} {scope.key}
      </h1>
    </>
  );
}

function NotAllowed({ reason }: { reason: string }) {
  const { viewer } = useSession();
  return (
    <section className="notice not-allowed" role="alert" aria-labelledby="not-allowed-title">
      <h2 id="not-allowed-title">Not allowed</h2>
      <p>
        The history (who changed what) is for admin tokens. This token
        {viewer.environment ? ` reads ${viewer.environment} only and` : ''} may not read it: {reason}
      </p>
      <p>
        <Link href="/">Back to the flags</Link>
      </p>
    </section>
  );
}

/** The button that reads older entries; reaching it by scrolling reads them too (infinite scroll). */
function LoadMore({ feed, loading, failed }: { feed: HistoryFeed; loading: boolean; failed: boolean }) {
  const button = useRef<HTMLButtonElement>(null);
  // Observed afresh after each page: a button still in view then reads the next one too.
  useEffect(() => {
    const target = button.current;
    // After a failed read only the button reads again: scrolling must not retry in a loop.
    if (!target || loading || failed || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((seen) => {
      if (seen.some((entry) => entry.isIntersecting)) void feed.loadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [feed, loading, failed]);
  return (
    <button ref={button} type="button" onClick={() => void feed.loadMore()} disabled={loading}>
      {loading ? 'Loading older changes…' : 'Load older changes'}
    </button>
  );
}

/**
 * The audit history: everything (`/history`), one flag's (`/flags/:key/history`) or one segment's,
 * newest first, filtered by what the URL says, older pages on demand, new entries live at the top.
 */
export default function HistoryPage({ scope }: { scope: HistoryScope }) {
  const { run, live } = useSession();
  const list = useFlagList();
  const search = useSearch();
  const [, setLocation] = useLocation();
  const now = useNow(30_000);
  const filter = useMemo(() => historyFilterFromSearch(search), [search]);
  const variables = useMemo(() => auditFilterOf(scope, filter), [scope, filter]);
  const variablesKey = JSON.stringify(variables);
  // One feed per filter (keyed by its JSON), made by the effect that starts and stops it: under
  // StrictMode's mount, unmount and mount again, a stopped feed is never started again.
  const [feed, setFeed] = useState<HistoryFeed>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `variables` is keyed by `variablesKey`
  useEffect(() => {
    const next = new HistoryFeed(run, live, variables);
    setFeed(next);
    void next.start();
    return () => next.stop();
  }, [run, live, variablesKey]);
  const state = useSyncExternalStore(feed?.subscribe ?? noSubscription, feed?.snapshot ?? loading);
  // Names seen so far, offered while typing an actor (the API has no list of token names).
  const [actors, setActors] = useState<readonly string[]>([]);
  useEffect(
    () =>
      setActors((known) => {
        const names = new Set([...known, ...state.entries.map((entry) => entry.actor)]);
        return names.size === known.length ? known : [...names].sort();
      }),
    [state.entries],
  );
  const flagKeys = useMemo(() => list.flags.map((flag) => flag.key), [list.flags]);
  const environments = useMemo(() => list.environments.map((e) => e.key), [list.environments]);
  const change = (next: HistoryFilter) =>
    setLocation(`${basePath(scope)}${historyFilterToSearch(next)}`, { replace: true });

  const refused = state.status === 'failed' ? state.problem : undefined;
  return (
    <>
      <Heading scope={scope} />
      {state.status === 'forbidden' ? (
        <NotAllowed reason={state.problem?.message ?? 'FORBIDDEN'} />
      ) : (
        <>
          <p className="muted">
            Every change, newest first, with who made it and why. New changes appear here as they are made.
          </p>
          <HistoryFilters
            scope={scope}
            filter={filter}
            environments={environments}
            actors={actors}
            flagKeys={scope.kind === 'all' ? flagKeys : []}
            invalid={typeof refused?.details.field === 'string' ? refused.details.field : undefined}
            problem={refused && `The history could not be read: ${refused.message}`}
            onChange={change}
          />
          <p className="live-status" aria-live="polite">
            {state.announcement}
          </p>
          {state.status === 'loading' ? (
            <p className="loading">Loading the history…</p>
          ) : state.status === 'ready' ? (
            <>
              <p className="count">
                {state.entries.length === 0
                  ? 'No changes match.'
                  : `${state.entries.length} change${state.entries.length === 1 ? '' : 's'}${state.hasMore ? ' (older ones below)' : ''}`}{' '}
                <span className={`live-indicator ${state.live}`}>
                  {state.live === 'live'
                    ? '· live'
                    : state.live === 'off'
                      ? `· not live (${state.liveProblem ?? 'refused'})`
                      : '· connecting…'}
                </span>
              </p>
              <ol className="history" aria-label="Changes, newest first">
                {state.entries.map((entry) => (
                  <AuditEntryCard
                    key={entry.revision}
                    entry={entry}
                    fresh={state.fresh.has(entry.revision)}
                    now={now}
                  />
                ))}
              </ol>
              {state.problem && (
                <p className="field-error" role="alert">
                  Older changes could not be read: {state.problem.message}
                </p>
              )}
              {state.hasMore && feed && (
                <LoadMore feed={feed} loading={state.loadingMore} failed={state.problem !== undefined} />
              )}
              {!state.hasMore && state.truncated && (
                <p className="notice">
                  Older changes matching this filter were removed by the service's retention
                  (AUDIT_RETENTION_DAYS, AUDIT_RETENTION_COUNT).
                </p>
              )}
            </>
          ) : null}
        </>
      )}
    </>
  );
}
