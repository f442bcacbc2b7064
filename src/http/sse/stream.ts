import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ChangeLog } from '../../feed/change-log.js';
import type { FlagChange } from '../../flags/flag.js';
import type { FlagSnapshot } from '../../flags/flag-snapshot.js';
import { readScopeOf } from '../../flags/read-scope.js';
import { normalizePrefix } from '../../flags/validation.js';
import { boundEnvironmentOf } from '../access.js';
import { parseQuery } from '../query-params.js';
import { admitStream, type StreamAdmission } from './admission.js';
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
  const admission: StreamAdmission = {
    openStreams: () => hub.size + (deps.otherStreams?.() ?? 0),
    maxConnections: deps.maxConnections ?? Number.POSITIVE_INFINITY,
    isClosed: () => closed,
    retry,
    maxBufferedBytes: deps.maxBufferedBytes,
    logger,
  };

  const handler: RequestHandler = async (req, res) => {
    // Validate everything before the first byte: bad input still gets a JSON 400 from the error handler.
    const query = parseQuery(StreamQuery, req);
    const prefix = normalizePrefix(query.prefix);
    const scope = readScopeOf(snapshot, boundEnvironmentOf(res), query.environment);
    const lastEventId = lastEventIdOf(req);
    const connection = admitStream(req, res, { prefix, scope }, admission, (gone) => hub.remove(gone));
    if (!connection) return;
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
