import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { ChangeLog } from '../../feed/change-log.js';
import type { FlagChange } from '../../flags/flag.js';
import type { FlagSnapshot } from '../../flags/flag-snapshot.js';
import { type ReadScope, scopeHeaders } from '../../flags/flag-view.js';
import { readScopeOf } from '../../flags/read-scope.js';
import { normalizePrefix } from '../../flags/validation.js';
import { boundEnvironmentOf } from '../access.js';
import { parseQuery } from '../query-params.js';
import { Connection } from './connection.js';
import { retryFrame } from './frames.js';
import { StreamHub } from './hub.js';
import { lastEventIdOf } from './last-event-id.js';
import { replayOf } from './replay.js';

export interface SseStreamDeps {
  snapshot: FlagSnapshot;
  log: ChangeLog;
  /** How often every open stream gets a `: heartbeat` comment. */
  heartbeatMs: number;
  /** The reconnection delay suggested to clients (`retry:`). */
  retryMs: number;
  /** A client whose unsent backlog passes this many bytes is cut off. */
  maxBufferedBytes: number;
  /** Open streams this instance accepts; beyond it a new one gets 503 TOO_MANY_CONNECTIONS. */
  maxConnections?: number;
  /** Other event streams sharing that budget (OFREP's), counted with these. */
  otherStreams?: () => number;
  logger: Logger;
  /** Told how many connections each event was written to (metrics). */
  onDelivered?: (count: number) => void;
}

export interface SseStream {
  /**
   * `GET /feature-flags/stream?prefix=&environment=&lastEventId=`: mount before `/feature-flags/:key`,
   * after `authenticate` (the token picks the environment, see read-scope.ts).
   */
  handler: RequestHandler;
  /** Open streams, including those still catching up from the change log. */
  connections(): number;
  /** Graceful shutdown: sends every client a `retry:` hint, ends every stream, stops the heartbeat. */
  close(): void;
}

/** The stream's query: a scope and, for clients that cannot set headers, a resume point. */
const StreamQuery = z.strictObject({
  prefix: z.string().optional(),
  environment: z.string().optional(),
  lastEventId: z.string().optional(),
});

/**
 * The server-sent event stream of flag changes: a snapshot of the flags in scope (or, when resuming
 * with `Last-Event-ID`, exactly the changes missed), then one event per change. See PROTOCOL.md.
 */
export function sseStream(deps: SseStreamDeps): SseStream {
  const { snapshot, log, logger } = deps;
  const hub = new StreamHub(snapshot, deps.heartbeatMs, deps.onDelivered);
  const retry = retryFrame(deps.retryMs);
  let closed = false;

  const handler: RequestHandler = async (req, res) => {
    // Validate everything before the first byte: bad input still gets a JSON 400 from the error handler.
    const query = parseQuery(StreamQuery, req);
    const prefix = normalizePrefix(query.prefix);
    const scope = readScopeOf(snapshot, boundEnvironmentOf(res), query.environment);
    const lastEventId = lastEventIdOf(req);
    if (hub.size + (deps.otherStreams?.() ?? 0) >= (deps.maxConnections ?? Number.POSITIVE_INFINITY)) {
      // Before any stream byte, so the client sees a plain 503 and retries later (or elsewhere).
      throw new AppError(
        'TOO_MANY_CONNECTIONS',
        'This instance holds as many event streams as it may; retry later',
      );
    }
    openEventStream(res, scope);
    if (closed) {
      // Shutting down: not an error status, which would stop an EventSource for good; come back later.
      res.end(retry);
      return;
    }
    const connection = new Connection(prefix, scope, res, deps.maxBufferedBytes, logger);
    res.on('close', () => hub.remove(connection));
    // Gone before we got here: its 'close' has already fired and would never remove it.
    if (req.socket.destroyed) return;
    connection.write(retry);
    if (lastEventId === undefined) {
      hub.add(connection);
      connection.write(hub.snapshotFrame(prefix, scope));
      return;
    }

    // Subscribe (hold) before reading the log: a change applied during the read is then either in what
    // the log returns or held, never in neither. Release drops the held ones the log already gave.
    connection.hold();
    hub.add(connection);
    // Every change above `seen` reaches the connection live, in order, after the replay.
    const seen = snapshot.releasedRevision;
    // An id from beyond this instance's view (a wiped store, a bogus id) cannot be resumed: start over.
    const changes = lastEventId > seen ? null : await readLog(lastEventId);
    if (!connection.isOpen) return;
    connection.release(replayOf(changes, lastEventId, seen, prefix, scope), () =>
      hub.snapshotFrame(prefix, scope),
    );
  };

  async function readLog(after: number): Promise<FlagChange[] | null> {
    try {
      return await log.since(after);
    } catch (err) {
      // A snapshot is always a correct answer; an unreachable log only makes it the heavier one.
      logger.warn({ err, after }, 'change log unavailable; SSE client resumes from a snapshot');
      return null;
    }
  }

  return {
    handler,
    connections: () => hub.size,
    close() {
      if (closed) return;
      closed = true;
      hub.close(retry);
    },
  };
}

/** The status and headers every event stream starts with, flushed at once. */
export function openEventStream(res: Response, scope: ReadScope): void {
  res.status(200);
  for (const [name, value] of Object.entries(scopeHeaders(scope))) res.setHeader(name, value);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Connection', 'keep-alive');
  // nginx and friends would otherwise buffer the stream and deliver events late, in bursts.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
}
