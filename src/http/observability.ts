import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import { NO_QUERY_PARAMS, parseQuery } from './query-params.js';

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * One structured log line per request routed by Express (polls answered before routing are counted,
 * not logged: they are thousands a second): debug for success, info for 4xx, error for 5xx, with the
 * status and duration. The request id is the caller's `X-Request-Id` when it is sane, else a new UUID,
 * and is echoed back. Headers are not logged at all: they carry tokens. (pino-http did this too, but
 * built a child logger per request even when the line was then dropped: a sixth of a GraphQL request.)
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = requestIdFor(req);
    res.setHeader('X-Request-Id', id);
    const started = performance.now();
    res.once('finish', () =>
      logRequestCompleted(logger, { id, method: req.method, url: req.originalUrl }, res.statusCode, started),
    );
    next();
  };
}

/** The caller's `X-Request-Id` when it is sane, else a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The line {@link requestLogging} writes when a response has finished (for a request answered without
 * Express too): debug for success, info for 4xx, error for 5xx; nothing when that level is off.
 */
export function logRequestCompleted(
  logger: Logger,
  req: { id: string; method: string | undefined; url: string | undefined },
  status: number,
  startedAt: number,
): void {
  const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      req,
      res: { status },
      responseTime: Math.round((performance.now() - startedAt) * 10) / 10,
    },
    'request completed',
  );
}

/** Observes every routed request in `flagwire_http_request_duration_seconds`, labelled by route pattern. */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      // The matched pattern (e.g. /feature-flags/:key), never the raw path: labels must stay few.
      const route = req.route?.path === undefined ? 'unmatched' : `${req.baseUrl}${String(req.route.path)}`;
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/** `GET /metrics` in the Prometheus text format; it takes no query parameters. */
export function metricsRoute(metrics: Metrics): RequestHandler {
  return async (req, res) => {
    parseQuery(NO_QUERY_PARAMS, req);
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  };
}
