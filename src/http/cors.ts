import cors from 'cors';
import type { RequestHandler } from 'express';
import { SERVED_ENVIRONMENT_HEADER } from '../flags/flag-view.js';
import { AS_OF_REVISION_HEADER } from '../history/as-of.js';

/**
 * Cross-origin access for browsers, only for the origins configured (`*` for any). Allows the headers
 * the protocol uses (tokens, conditional requests, SSE resume) and exposes the ones clients read.
 */
export function corsFor(origins: readonly string[]): RequestHandler {
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
