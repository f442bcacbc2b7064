import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../../errors.js';
import { type ReadScope, scopeHeaders } from '../../flags/flag-view.js';
import { Connection } from './connection.js';

/** What every kind of event stream (flag changes, OFREP's) is admitted under. */
export interface StreamAdmission {
  /** Streams open now on this instance, of every kind sharing the budget. */
  openStreams(): number;
  /** Event streams of every kind one instance holds at most (MAX_SSE_CONNECTIONS). */
  maxConnections: number;
  /** True once the stream is shutting down: newcomers get `retry:` and an end. */
  isClosed(): boolean;
  /** The `retry:` frame: the first thing every stream gets. */
  retry: Buffer;
  /** A client whose unsent backlog passes this many bytes is cut off. */
  maxBufferedBytes: number;
  logger: Logger;
}

/**
 * Takes one event-stream request in: past the shared budget a 503 TOO_MANY_CONNECTIONS before any
 * stream byte (the client retries later, or elsewhere); else the stream's status and headers, then a
 * {@link Connection} that has been sent `retry:` and that `onClose` is told about when it goes. Answers
 * undefined when there is nothing more to send: the stream is shutting down (the client got `retry:`
 * and an end, not an error status, which would stop an EventSource for good) or the client is gone.
 */
export function admitStream(
  req: Request,
  res: Response,
  stream: { prefix: string; scope: ReadScope },
  admission: StreamAdmission,
  onClose: (connection: Connection) => void,
): Connection | undefined {
  if (admission.openStreams() >= admission.maxConnections)
    throw new AppError(
      'TOO_MANY_CONNECTIONS',
      'This instance holds as many event streams as it may; retry later',
    );
  openEventStream(res, stream.scope);
  if (admission.isClosed()) {
    res.end(admission.retry);
    return undefined;
  }
  const connection = new Connection(
    stream.prefix,
    stream.scope,
    res,
    admission.maxBufferedBytes,
    admission.logger,
  );
  res.on('close', () => onClose(connection));
  // Gone before we got here: its 'close' has already fired and would never remove it.
  if (req.socket.destroyed) return undefined;
  connection.write(admission.retry);
  return connection;
}

/** The status and headers every event stream starts with, flushed at once. */
function openEventStream(res: Response, scope: ReadScope): void {
  res.status(200);
  for (const [name, value] of Object.entries(scopeHeaders(scope))) res.setHeader(name, value);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Connection', 'keep-alive');
  // nginx and friends would otherwise buffer the stream and deliver events late, in bursts.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
}
