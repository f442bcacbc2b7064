import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as urlParse } from 'node:url';
import type { Logger } from 'pino';
import type { AccessControl, Principal } from '../auth/access-control.js';
import { logRequestCompleted, requestIdFor } from '../http/observability.js';
import type { Metrics } from '../metrics/metrics.js';
import { requestKey } from './request-key.js';
import type { GraphQLResponseMemo, MemoisedResponse } from './response-memo.js';

const PATH = '/graphql';
/** The label the Express route gives GraphQL requests in `flagwire_http_request_duration_seconds`. */
const ROUTE = '/graphql';

export interface GraphQLFastPathOptions {
  readonly memo: GraphQLResponseMemo;
  readonly access: AccessControl;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Largest body Express accepts (BODY_LIMIT_BYTES): a longer one is Express's to refuse. */
  readonly bodyLimitBytes: number;
  /** True when CORS is configured: Express adds its headers, so every request goes there. */
  readonly skip: boolean;
  /** Serves a request this path took but does not answer (Express). */
  readonly fallback: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Answers `req` and returns true, or returns false without touching it. */
export type GraphQLFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Answers a memoised GraphQL query before Express builds its request and runs its middleware: Express
 * alone costs more than the rest of such an answer. Only requests Express would pass unchanged to the
 * GraphQL handler qualify, with the same key (request-key.ts) as there: exactly `/graphql`, GET without
 * a body or POST with a `Content-Length` body within the limit and no `Content-Encoding`, a valid
 * token. A memoised answer was made for an identical request, which passed every middleware and
 * Apollo's checks; the answer carries `X-Request-Id`, is logged and measured as Express would.
 *
 * Returns false when it does not take the request (the caller hands it to Express). When it takes a
 * POST, it either answers it or hands it to `fallback` itself — after putting back the body it read,
 * so Express reads the request as it came.
 */
export function graphqlFastPath(options: GraphQLFastPathOptions): GraphQLFastPath {
  const { memo, access, metrics, logger, bodyLimitBytes } = options;
  if (options.skip) return () => false;
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    hit: MemoisedResponse,
    started: number,
  ) => {
    const id = requestIdFor(req);
    res.setHeader('X-Request-Id', id);
    res.writeHead(200, hit.headers);
    res.end(hit.body);
    metrics.httpDuration.observe(
      { method, route: ROUTE, status: '200' },
      (performance.now() - started) / 1000,
    );
    logRequestCompleted(logger, { id, method, url: req.url }, 200, started);
  };
  return (req, res) => {
    // Nothing memoised (a fresh start, or just after a change): nothing to look for.
    if (memo.size === 0) return false;
    const url = req.url;
    if (url === undefined || !url.startsWith(PATH)) return false;
    if (url.length > PATH.length && url.charCodeAt(PATH.length) !== 0x3f /* ? */) return false;
    const method = req.method;
    if (method !== 'GET' && method !== 'POST') return false;
    const headers = req.headers;
    if (headers['transfer-encoding'] !== undefined) return false;
    const length = headers['content-length'];
    if (method === 'GET' && length !== undefined) return false;
    if (method === 'POST') {
      if (length === undefined || !/^[1-9]\d{0,9}$/.test(length) || Number(length) > bodyLimitBytes)
        return false;
      const encoding = headers['content-encoding'];
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    }
    const started = performance.now();
    let principal: Principal;
    try {
      principal = access.authenticate(headers.authorization);
    } catch {
      return false; // Express answers it, with the 401 in the usual error shape.
    }
    // As the GraphQL handler sees them: Express joins repeated headers with ", " too.
    const header = (name: string) => {
      const value = headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    };
    const search = urlParse(url).search ?? '';
    if (method === 'GET') {
      const key = requestKey(principal, method, header, search, undefined);
      const hit = key === undefined ? undefined : memo.get(key);
      if (!hit) return false;
      answer(req, res, method, hit, started);
      return true;
    }
    const answerFromBody = (body: Buffer) => {
      const key = requestKey(principal, method, header, search, body);
      const hit = key === undefined ? undefined : memo.get(key);
      if (hit) answer(req, res, method, hit, started);
      return hit !== undefined;
    };
    readBody(req, Number(length), answerFromBody, () => options.fallback(req, res));
    return true;
  };
}

/**
 * Reads exactly `length` bytes of the body, without letting the stream end, for `answer`. Unless it
 * answered (or the stream failed or ended first), puts them back (`unshift`) and calls `fallback`: so
 * whoever reads the request next reads it as it came. Synchronously, before the stream can emit 'end'.
 */
function readBody(
  req: IncomingMessage,
  length: number,
  answer: (body: Buffer) => boolean,
  fallback: () => void,
): void {
  const chunks: Buffer[] = [];
  let received = 0;
  const finish = (complete: boolean) => {
    req.off('readable', onReadable);
    req.off('error', onFailure);
    req.off('end', onFailure);
    const body = Buffer.concat(chunks, received);
    if (complete && answer(body)) return;
    if (body.length > 0 && !req.readableEnded) req.unshift(body);
    fallback();
  };
  const onFailure = () => finish(false);
  const onReadable = () => {
    while (received < length) {
      const chunk = req.read() as Buffer | null;
      if (chunk === null) break;
      chunks.push(chunk);
      received += chunk.length;
    }
    if (received >= length) finish(true);
  };
  req.on('readable', onReadable);
  req.once('error', onFailure);
  req.once('end', onFailure);
}
