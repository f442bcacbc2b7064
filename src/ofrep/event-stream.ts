import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AccessControl, Principal } from '../auth/access-control.js';
import type { TokenRateLimiter } from '../auth/token-rate-limiter.js';
import { AppError } from '../errors.js';
import { evaluationEnvironment } from '../evaluation/environment.js';
import { assertMayEvaluate } from '../evaluation/permission.js';
import type { RecordCatalog } from '../flags/record-catalog.js';
import { parseQuery } from '../http/query-params.js';
import {
  admitStream,
  lastEventIdOf,
  retryFrame,
  SignalHub,
  type StreamAdmission,
} from '../http/sse/index.js';
import type { EvaluationState } from './evaluation-state.js';
import type { StreamTickets } from './stream-tickets.js';

/** Where the stream is served (a bulk answer's `eventStreams` points to it); under /ofrep/ for CORS. */
export const EVENT_STREAM_ROUTE = '/ofrep/events';

export interface OfrepEventStreamDeps {
  state: EvaluationState;
  catalog: RecordCatalog;
  access: AccessControl;
  tickets: StreamTickets;
  frontendLimiter: TokenRateLimiter;
  heartbeatMs: number;
  retryMs: number;
  maxBufferedBytes: number;
  /** Event streams of every kind one instance holds at most (MAX_SSE_CONNECTIONS). */
  maxConnections: number;
  /** The flag streams open now: they share the budget with these. */
  otherStreams: () => number;
  logger: Logger;
  onDelivered?: (count: number) => void;
}

export interface OfrepEventStream {
  /** `GET /ofrep/events?environment=&ticket=&lastEventId=`: the URL a bulk answer's `eventStreams` gives. */
  handler: RequestHandler;
  connections(): number;
  /** Graceful shutdown: every stream gets a `retry:` hint and ends. */
  close(): void;
}

const EventsQuery = z.strictObject({
  environment: z.string().optional(),
  ticket: z.string().optional(),
  lastEventId: z.string().optional(),
});

/**
 * OFREP's change events for bulk evaluation (ADR 0008, service/event-streams.yaml), on the SSE machinery
 * of the flag streams (src/http/sse/): bounded writes per connection, heartbeats, `retry:`, the shared
 * connection budget, `Last-Event-ID`. Notification only: after each change to flags or segments,
 * in revision order, every stream gets
 *
 *     id: <revision>
 *     event: message
 *     data: {"type":"refetchEvaluation","etag":"\"<revision>\""}
 *
 * and the provider re-fetches its bulk evaluation with `?flagConfigEtag=` (which makes an instance that
 * has not heard of that change yet wait for it, briefly). Every stream hears every change: a change to
 * any flag changes every environment's answer (each flag's `flagVersion` is in its metadata).
 *
 * Reconnects: a stream opened with a resume point (`Last-Event-ID`, which EventSource sends when it
 * reconnects, or `?lastEventId=`, which the bulk answer's URL carries: the id of the last event before
 * that answer) older than the last event starts with one `refetchEvaluation`: whatever was missed
 * collapses into one re-fetch, and none is missed between the bulk answer and the stream's opening.
 *
 * Credentials: `Authorization`/`X-API-Key` like evaluation, or, for browsers (EventSource sends no
 * headers), the `ticket` in the URL the bulk answer gave (stream-tickets.ts).
 */
export function ofrepEventStream(deps: OfrepEventStreamDeps): OfrepEventStream {
  const { state, logger } = deps;
  const hub = new SignalHub(deps.heartbeatMs, deps.onDelivered);
  const retry = retryFrame(deps.retryMs);
  const stopListening = state.onSignal((revision) => hub.broadcast(refetchFrame(revision)));
  let closed = false;
  const admission: StreamAdmission = {
    openStreams: () => hub.size + deps.otherStreams(),
    maxConnections: deps.maxConnections,
    isClosed: () => closed,
    retry,
    maxBufferedBytes: deps.maxBufferedBytes,
    logger,
  };

  const handler: RequestHandler = (req, res) => {
    const query = parseQuery(EventsQuery, req);
    const principal = callerOf(deps, req, query.ticket, query.environment);
    const environment = evaluationEnvironment(principal, query.environment, deps.catalog);
    const lastEventId = lastEventIdOf(req);
    const connection = admitStream(req, res, { prefix: '', scope: environment }, admission, (gone) =>
      hub.remove(gone),
    );
    if (!connection) return;
    hub.add(connection);
    if (lastEventId !== undefined && lastEventId < state.signalled)
      connection.write(refetchFrame(state.signalled));
  };

  return {
    handler,
    connections: () => hub.size,
    close() {
      if (closed) return;
      closed = true;
      stopListening();
      hub.close(retry);
    },
  };
}

/**
 * Who opens the stream: the token in `Authorization` or `X-API-Key`, else the one whose ticket for
 * `environment` the URL carries (UNAUTHENTICATED when it is no such ticket); allowed to evaluate and
 * within a frontend token's rate.
 */
function callerOf(
  deps: OfrepEventStreamDeps,
  req: Request,
  ticket: string | undefined,
  environment: string | undefined,
): Principal {
  const apiKey = req.headers['x-api-key'];
  let authorization =
    req.headers.authorization ?? (typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined);
  if (authorization === undefined && ticket !== undefined && !deps.access.open) {
    const token = environment === undefined ? undefined : deps.tickets.verify(ticket, environment);
    if (token === undefined) throw new AppError('UNAUTHENTICATED', 'The stream ticket is not valid');
    authorization = `Bearer ${token}`;
  }
  const principal = deps.access.authenticateEvaluation(authorization);
  assertMayEvaluate(principal);
  if (principal.scope === 'frontend') deps.frontendLimiter.take(principal);
  return principal;
}

/** One `refetchEvaluation` (OFREP's `sseEvent`): the revision is both the event's id and its `etag`. */
function refetchFrame(revision: number): Buffer {
  const data = JSON.stringify({ type: 'refetchEvaluation', etag: `"${revision}"` });
  return Buffer.from(`id: ${revision}\nevent: message\ndata: ${data}\n\n`);
}
