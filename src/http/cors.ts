import cors from 'cors';
import type { RequestHandler } from 'express';
import { SERVED_ENVIRONMENT_HEADER } from '../flags/flag-view.js';
import { AS_OF_REVISION_HEADER } from '../history/as-of.js';

/**
 * A CORS policy: Express middleware that also runs on plain node:http requests (the OFREP fast path
 * answers before Express). Calls `next` unless it answered a preflight.
 */
export type CorsPolicy = ReturnType<typeof cors>;

/**
 * Cross-origin access for browsers, only for the origins configured (`*` for any). Allows the headers
 * the protocol uses (tokens, conditional requests, SSE resume) and exposes the ones clients read.
 */
export function corsFor(origins: readonly string[]): CorsPolicy {
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'If-None-Match',
      'If-Match',
      'Last-Event-ID',
      'X-Request-Id',
      'apollo-require-preflight',
      // OFREP's second way to send a token.
      'X-API-Key',
      // A write's comment, recorded in its audit entry.
      'Flagwire-Comment',
    ],
    exposedHeaders: [
      'ETag',
      'Location',
      'Retry-After',
      'X-Request-Id',
      SERVED_ENVIRONMENT_HEADER,
      AS_OF_REVISION_HEADER,
    ],
    maxAge: 600,
  });
}

/** Every OFREP route (evaluation and its event stream) starts with this; CORS is per route family. */
export const OFREP_PATH_PREFIX = '/ofrep/';

export interface CorsPolicies {
  /** Every route but OFREP's (definitions, lists, streams, GraphQL: admin and client tokens). */
  readonly general: CorsPolicy | undefined;
  /** The OFREP routes: what frontend tokens call from browsers. */
  readonly ofrep: CorsPolicy | undefined;
}

/**
 * CORS per route family, so origins can be given per token kind: the OFREP routes allow `CORS_ORIGINS`
 * and `FRONTEND_CORS_ORIGINS`; every other route `CORS_ORIGINS` only (frontend tokens are refused there
 * anyway). Undefined for a family no origin may call. A preflight carries no token: the route decides.
 */
export function corsPolicies(
  corsOrigins: readonly string[],
  frontendCorsOrigins: readonly string[],
): CorsPolicies {
  const ofrepOrigins = [...new Set([...corsOrigins, ...frontendCorsOrigins])];
  return {
    general: corsOrigins.length > 0 ? corsFor(corsOrigins) : undefined,
    ofrep: ofrepOrigins.length > 0 ? corsFor(ofrepOrigins) : undefined,
  };
}

/** Express middleware applying {@link corsPolicies}: the OFREP policy under `/ofrep/`, else the general one. */
export function corsByRoute(policies: CorsPolicies): RequestHandler {
  return (req, res, next) => {
    const policy = req.path.startsWith(OFREP_PATH_PREFIX) ? policies.ofrep : policies.general;
    if (policy) policy(req, res, next);
    else next();
  };
}
