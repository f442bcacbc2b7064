import { useCallback, useEffect, useState } from 'react';
import { ApiError, whenUnauthenticated } from './api/graphql';
import { liveChanges } from './api/live';
import { authorizationOf, storedToken, storeToken } from './api/session';
import { runnerFor, type Session, SessionProvider } from './api/session-context';
import { SignIn } from './auth/sign-in';
import { FlagListDocument, ViewerDocument } from './generated/graphql';
import { Shell } from './shell';

type Gate =
  | { state: 'checking' }
  | { state: 'signed-out'; problem?: string }
  | { state: 'in'; session: Session };

/**
 * Signs in: asks the service who the stored token (or no token: open access) is. A service with tokens
 * answers UNAUTHENTICATED without one, and the sign-in form shows.
 */
async function open(token: string | undefined, signOut: () => void): Promise<Session> {
  const authorization = authorizationOf(token);
  const run = runnerFor(authorization);
  const firstFlagList = run(FlagListDocument, {});
  // Read by the flag list once signed in; a failure here is the sign-in's to report, not an unhandled one.
  firstFlagList.catch(() => {});
  const { viewer } = await run(ViewerDocument, {});
  return { viewer, run, live: liveChanges(authorization), signOut, firstFlagList };
}

export function App() {
  const [gate, setGate] = useState<Gate>({ state: 'checking' });

  const signOut = useCallback((problem?: string) => {
    storeToken(undefined);
    setGate((current) => {
      if (current.state === 'in') current.session.live.close();
      return problem === undefined ? { state: 'signed-out' } : { state: 'signed-out', problem };
    });
  }, []);

  const signIn = useCallback(
    async (token: string | undefined) => {
      try {
        const session = await open(token, () => signOut());
        storeToken(token);
        setGate({ state: 'in', session });
      } catch (err) {
        storeToken(undefined);
        const problem =
          err instanceof ApiError && err.code === 'UNAUTHENTICATED'
            ? token === undefined
              ? undefined
              : 'That token was not accepted.'
            : `The service could not be reached (${err instanceof Error ? err.message : String(err)}).`;
        setGate(problem === undefined ? { state: 'signed-out' } : { state: 'signed-out', problem });
      }
    },
    [signOut],
  );

  useEffect(() => {
    whenUnauthenticated(() => signOut('Your token is no longer accepted: sign in again.'));
    const token = storedToken();
    if (token !== undefined) {
      void signIn(token);
      return;
    }
    // No token in this tab: sign in at once on an open service, else show the form (asking the API
    // without a token would only be answered 401).
    fetch('/console/access.json', { headers: { accept: 'application/json' } })
      .then((res) => res.json() as Promise<{ openAccess: boolean }>)
      .then(
        ({ openAccess }) => (openAccess ? signIn(undefined) : setGate({ state: 'signed-out' })),
        () => setGate({ state: 'signed-out', problem: 'The service could not be reached.' }),
      );
  }, [signIn, signOut]);

  if (gate.state === 'checking') return <p className="loading">Connecting to Flagwire…</p>;
  if (gate.state === 'signed-out') return <SignIn problem={gate.problem} onSubmit={signIn} />;
  return (
    <SessionProvider session={gate.session}>
      <Shell />
    </SessionProvider>
  );
}
