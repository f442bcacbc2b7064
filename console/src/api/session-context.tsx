import { createContext, type ReactNode, useContext } from 'react';
import type { FlagListQuery, TypedDocumentString, ViewerQuery } from '../generated/graphql';
import { execute } from './graphql';
import type { LiveChanges } from './live';

/** Who is signed in, and how the console talks to the service on their behalf. */
export interface Session {
  readonly viewer: ViewerQuery['viewer'];
  /** Runs a typed GraphQL operation with this session's token. */
  run<Result, Variables>(
    document: TypedDocumentString<Result, Variables>,
    variables: Variables,
  ): Promise<Result>;
  /** Live changes (graphql-ws) for this session's token. */
  readonly live: LiveChanges;
  /** The flag list, asked for together with the viewer at sign-in (one round trip less to the first screen). */
  readonly firstFlagList: Promise<FlagListQuery>;
  signOut(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionProvider>');
  return session;
}

/** A {@link Session.run} bound to an `Authorization` value (none for open access). */
export function runnerFor(authorization: string | undefined): Session['run'] {
  return (document, variables) => execute(document, variables, authorization);
}
