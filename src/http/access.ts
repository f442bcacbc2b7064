import type { RequestHandler, Response } from 'express';
import type { AccessControl, Principal } from '../auth/access-control.js';
import type { WriteRateLimiter } from '../auth/write-rate-limiter.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Authenticates the request's bearer token (401 otherwise) and keeps the principal on `res.locals`. */
export function authenticate(access: AccessControl): RequestHandler {
  return (req, res, next) => {
    res.locals.principal = access.authenticate(req.headers.authorization);
    next();
  };
}

/**
 * Any method but GET/HEAD/OPTIONS changes flags: admin tokens only (403 otherwise), within the
 * per-token write rate (429 otherwise).
 */
export function writesNeedAdmin(access: AccessControl, limiter: WriteRateLimiter): RequestHandler {
  return (req, res, next) => {
    if (!READ_METHODS.has(req.method)) {
      const principal = principalOf(res);
      access.requireWrite(principal);
      limiter.take(principal);
    }
    next();
  };
}

/** The principal {@link authenticate} found; it must have run first. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('authenticate() must run before principalOf()');
  return principal;
}

/**
 * The environment the caller's token is bound to (read-scope.ts). A route mounted without
 * {@link authenticate} serves everyone as an open service does: unbound.
 */
export function boundEnvironmentOf(res: Response): string | undefined {
  return (res.locals.principal as Principal | undefined)?.environment;
}
