import { lazy, Suspense, useEffect, useMemo } from 'react';
import { Link, Route, Router, Switch } from 'wouter';
import { useSession } from './api/session-context';
import { FlagListProvider } from './flags/flag-list-context';
import { FlagListStore } from './flags/flag-list-store';
import { FlagsPage } from './flags/flags-page';
import { FlagListDocument, type FlagListQuery } from './generated/graphql';

// Every screen but the first is loaded when first opened: the first screen's JavaScript stays small.
const FlagEditorPage = lazy(() => import('./flags/editor/flag-editor-page'));
const SegmentsPage = lazy(() => import('./segments/segments-page'));
const EnvironmentsPage = lazy(() => import('./environments/environments-page'));
const PlaygroundPage = lazy(() => import('./playground/playground-page'));
const HistoryPage = lazy(() => import('./history/history-page'));
const PromotionPage = lazy(() => import('./environments/promotion-page'));

const ALL = { kind: 'all' } as const;

/** One flag's or segment's history: the scope kept the same object while the key is the same. */
function ScopedHistory({ kind, encodedKey }: { kind: 'flag' | 'segment'; encodedKey: string }) {
  const key = decodeURIComponent(encodedKey);
  const scope = useMemo(() => ({ kind, key }), [kind, key]);
  return <HistoryPage scope={scope} />;
}

/** Where the console lives (the service serves it at /console/). */
export const BASE = '/console';

function Nav() {
  const { viewer, signOut } = useSession();
  return (
    <header className="top">
      <nav aria-label="Main">
        <Link href="/">Flags</Link>
        <Link href="/segments">Segments</Link>
        <Link href="/environments">Environments</Link>
        <Link href="/history">History</Link>
        <Link href="/playground">Playground</Link>
      </nav>
      <p className="who" aria-live="polite">
        {viewer.openAccess
          ? 'Open access (no tokens configured)'
          : viewer.canWrite
            ? 'Admin'
            : `Read-only (client token, ${viewer.environment ?? 'production'})`}
        {!viewer.openAccess && (
          <button type="button" className="link" onClick={signOut}>
            Sign out
          </button>
        )}
      </p>
    </header>
  );
}

export function Shell() {
  const session = useSession();
  const store = useMemo(() => new FlagListStore(), []);
  useEffect(() => {
    let stale = false;
    let first: Promise<FlagListQuery> | undefined = session.firstFlagList;
    const reload = () =>
      (first ?? session.run(FlagListDocument, {})).then(
        (data) => !stale && store.load(data.flags, data.environments),
        (err: unknown) => console.warn('reading the flags failed', err),
      );
    const unsubscribe = session.live.subscribe((change) => store.apply(change), reload);
    void reload();
    first = undefined;
    return () => {
      stale = true;
      unsubscribe();
    };
  }, [session, store]);

  return (
    <Router base={BASE}>
      <FlagListProvider store={store}>
        <Nav />
        <main id="main">
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <Switch>
              <Route path="/" component={FlagsPage} />
              <Route path="/history">
                <HistoryPage scope={ALL} />
              </Route>
              <Route path="/flags/:key/history">
                {(params) => <ScopedHistory kind="flag" encodedKey={params.key} />}
              </Route>
              <Route path="/flags/:key">{(params) => <FlagEditorPage flagKey={params.key} />}</Route>
              <Route path="/segments/:key/history">
                {(params) => <ScopedHistory kind="segment" encodedKey={params.key} />}
              </Route>
              <Route path="/segments" component={SegmentsPage} />
              <Route path="/environments/promote" component={PromotionPage} />
              <Route path="/environments" component={EnvironmentsPage} />
              <Route path="/playground" component={PlaygroundPage} />
              <Route>
                <h1>Not found</h1>
                <p>
                  <Link href="/">Back to the flags</Link>
                </p>
              </Route>
            </Switch>
          </Suspense>
        </main>
      </FlagListProvider>
    </Router>
  );
}
