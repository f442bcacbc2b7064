import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_ENVIRONMENT } from '@flagwire/core';
import { AppError } from '../errors.js';
import { ANONYMOUS_ACTOR, type BoundToken, derivedTokenName, type NamedToken } from './token-entries.js';

/**
 * What a token lets its holder do: `admin` reads and writes, `client` reads and streams, `frontend`
 * evaluates (OFREP) and nothing else.
 */
export type Scope = 'admin' | 'client' | 'frontend';

/** Who is calling. `id` is a short digest of the token: safe to log and to key rate limits by. */
export interface Principal {
  readonly scope: Scope;
  readonly id: string;
  /** The token's configured (or derived) name: the actor recorded for every change it makes. */
  readonly name: string;
  /**
   * The one environment a client or frontend token may read (see read-scope.ts); undefined for admin
   * tokens and open access, which read any environment, or all of them.
   */
  readonly environment?: string | undefined;
}

/** A token bound to an environment; without a name it gets its derived one. */
type UnnamedOrBound = Omit<BoundToken, 'name'> & { name?: string };

/** Distinct accepted `Authorization` values remembered (see {@link AccessControl}). */
const MAX_ACCEPTED_HEADERS = 1024;

/** Every caller when no token is configured (local development). */
const OPEN: Principal = { scope: 'admin', id: 'open', name: ANONYMOUS_ACTOR };

interface KnownToken {
  readonly digest: Buffer;
  readonly principal: Principal;
}

/**
 * Bearer-token access control, the same for REST, SSE, GraphQL over HTTP and graphql-ws. Tokens are
 * compared by SHA-256 digest in constant time, against every configured token (no early exit), so
 * neither a token's content nor which one matched shows in the response time. Tokens are never logged.
 */
export class AccessControl {
  private readonly tokens: readonly KnownToken[];
  /**
   * `Authorization` values already accepted, to their principal: every poll carries the same header, and
   * hashing it each time was ~9% of a warm 304. Only accepted values are kept, so a hit tells a caller
   * nothing the 200 does not (an unknown value still takes the constant-time path); bounded, and cleared
   * whole when full (a client rotating through tokens just pays the hash again).
   */
  private readonly accepted = new Map<string, Principal>();

  /**
   * Tokens given as plain strings get their derived name (token-entries.ts); client tokens given so
   * read production, as a plain `CLIENT_TOKENS` entry does.
   */
  constructor(tokens: {
    admin: readonly (string | NamedToken)[];
    client: readonly (string | UnnamedOrBound)[];
    frontend?: readonly UnnamedOrBound[];
  }) {
    const known = (
      scope: Scope,
      token: string,
      name: string | undefined,
      environment?: string,
    ): KnownToken => {
      const digest = sha256(token);
      const id = digest.toString('hex').slice(0, 12);
      const principal = { scope, id, name: name ?? derivedTokenName(scope, token) };
      return { digest, principal: environment === undefined ? principal : { ...principal, environment } };
    };
    this.tokens = [
      ...tokens.admin.map((entry) =>
        typeof entry === 'string'
          ? known('admin', entry, undefined)
          : known('admin', entry.token, entry.name),
      ),
      ...tokens.client.map((entry) =>
        typeof entry === 'string'
          ? known('client', entry, undefined, DEFAULT_ENVIRONMENT)
          : known('client', entry.token, entry.name, entry.environment),
      ),
      ...(tokens.frontend ?? []).map((entry) =>
        known('frontend', entry.token, entry.name, entry.environment),
      ),
    ];
  }

  /** True when no token is configured: everyone is admin. */
  get open(): boolean {
    return this.tokens.length === 0;
  }

  /**
   * The principal an `Authorization` header value (`Bearer <token>`) names, for every route but
   * evaluation: UNAUTHENTICATED when it is missing, malformed or unknown; FORBIDDEN for a frontend
   * token, which may only evaluate ({@link authenticateEvaluation}). Deny by default: a route added
   * later is closed to frontend tokens without having to know they exist. Open access answers admin.
   */
  authenticate(authorization: unknown): Principal {
    const principal = this.authenticateEvaluation(authorization);
    if (principal.scope === 'frontend')
      throw new AppError(
        'FORBIDDEN',
        'A frontend token may only evaluate flags (OFREP); definitions, lists and streams need a client or admin token',
      );
    return principal;
  }

  /**
   * The principal of any kind of token, frontend tokens included: only for evaluation routes (OFREP),
   * which check what the principal may do themselves. UNAUTHENTICATED as {@link authenticate}.
   */
  authenticateEvaluation(authorization: unknown): Principal {
    if (this.open) return OPEN;
    if (typeof authorization === 'string') {
      const known = this.accepted.get(authorization);
      if (known) return known;
    }
    const token =
      typeof authorization === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
    if (token === undefined) {
      throw new AppError('UNAUTHENTICATED', "Send a valid token as 'Authorization: Bearer <token>'");
    }
    const digest = sha256(token);
    let match: Principal | undefined;
    for (const known of this.tokens) {
      if (timingSafeEqual(digest, known.digest) && match === undefined) match = known.principal;
    }
    if (!match) throw new AppError('UNAUTHENTICATED', 'The token is not valid');
    if (this.accepted.size >= MAX_ACCEPTED_HEADERS) this.accepted.clear();
    this.accepted.set(authorization as string, match);
    return match;
  }

  /** FORBIDDEN unless the principal may change flags. */
  requireWrite(principal: Principal): void {
    if (principal.scope !== 'admin') {
      throw new AppError('FORBIDDEN', 'This token may read flags but not change them: use an admin token');
    }
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
