import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** The longest wait between two reconnect attempts: a restarted Redis is found again within ~2 s. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * An ioredis client tuned for a service that must keep answering while Redis is away.
 *
 * - `enableOfflineQueue: false`: while disconnected, commands fail at once instead of piling up in
 *   memory and being replayed minutes later, out of order with what happened meanwhile (a stale
 *   publish or cache write replayed after a resync would undo it). Callers treat Redis as optional
 *   and fall back; the flip side is that a client must be ready before its first command
 *   ({@link waitUntilReady}).
 * - `maxRetriesPerRequest: 2`: a command already sent when the connection drops fails after two
 *   reconnect attempts (well under a second) rather than hanging the request that issued it.
 * - Reconnects forever with a backoff capped at {@link MAX_RECONNECT_DELAY_MS}. A subscriber should
 *   pass `autoResubscribe: false` and resubscribe itself on 'ready': ioredis's own resubscribe does not
 *   catch its rejection, which with the offline queue off (a connection lost again at that moment)
 *   becomes an unhandled rejection.
 *
 * Connection errors are logged once per outage (warn), not once per reconnect attempt.
 */
export function createRedisClient(
  url: string,
  name: string,
  logger?: Logger,
  options: { autoResubscribe?: boolean } = {},
): Redis {
  const client = new Redis(url, {
    ...options,
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // How long disconnect() lets a socket close gracefully before destroying it (default 2 s): the
    // timer outlives close(), which would hold up a graceful shutdown for nothing.
    disconnectTimeout: 200,
  });
  let reported = false;
  // Without an 'error' listener ioredis prints every failed reconnect attempt to the console.
  client.on('error', (err: Error) => {
    if (reported) return;
    reported = true;
    logger?.warn({ err, redis: name }, 'redis connection error; reconnecting');
  });
  client.on('ready', () => {
    if (reported) logger?.info({ redis: name }, 'redis connection restored');
    reported = false;
  });
  return client;
}

/** Resolves when `client` is ready for commands; rejects after `timeoutMs` or if it ends first. */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError = '';
    const onError = (err: Error) => {
      lastError = `: ${err.message}`;
    };
    const onReady = () => settle();
    const onEnd = () => settle(new Error(`redis connection closed before it was ready${lastError}`));
    const timer = setTimeout(
      () => settle(new Error(`redis not ready within ${timeoutMs} ms${lastError}`)),
      timeoutMs,
    );
    function settle(err?: Error): void {
      clearTimeout(timer);
      client.off('ready', onReady).off('end', onEnd).off('error', onError);
      if (err) reject(err);
      else resolve();
    }
    client.on('ready', onReady).on('end', onEnd).on('error', onError);
  });
}

/**
 * Closes `client` without throwing: QUIT when connected (pending replies arrive first), otherwise drops
 * the connection and stops reconnecting (QUIT would be refused with the offline queue off). Resolves once
 * a live socket is gone; a client waiting to reconnect has none, and disconnect() just cancels the wait.
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  const live = client.status === 'ready' || client.status === 'connect' || client.status === 'connecting';
  const ended = live ? new Promise<void>((resolve) => client.once('end', () => resolve())) : undefined;
  if (client.status === 'ready') {
    try {
      await client.quit();
    } catch {
      client.disconnect(); // the connection went away meanwhile
    }
  } else if (client.status !== 'end') {
    client.disconnect();
  }
  await ended;
}

/**
 * A client for one adapter: ready before it is returned, or, with `startWithoutRedis`, returned at once
 * when Redis does not answer in time (its commands fail fast until Redis does).
 */
export async function connectAdapterClient(
  name: string,
  opts: {
    url: string;
    logger?: Logger | undefined;
    connectTimeoutMs?: number | undefined;
    startWithoutRedis?: boolean | undefined;
  },
  defaultTimeoutMs: number,
): Promise<Redis> {
  const client = createRedisClient(opts.url, name, opts.logger);
  try {
    await waitUntilReady(client, opts.connectTimeoutMs ?? defaultTimeoutMs);
  } catch (err) {
    if (!opts.startWithoutRedis) {
      await closeRedisClient(client);
      throw err;
    }
  }
  return client;
}
