import { DEFAULT_ENVIRONMENT } from '@flagwire/core';
import { FlagwireError } from './errors.js';
import type { FlagMode } from './types.js';
import { MAX_TIMER_MS } from './watchdog.js';

/** Where the client writes what it does; `console` fits. Every method is optional. */
export interface FlagClientLogger {
  debug?(message: string, context?: Record<string, unknown>): void;
  info?(message: string, context?: Record<string, unknown>): void;
  warn?(message: string, context?: Record<string, unknown>): void;
  error?(message: string, context?: Record<string, unknown>): void;
}

/** A `fetch` the client can use: the global one, or one from the caller (proxy, test, instrumentation). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createFlagClient}. Only `url` is required. */
export interface FlagClientOptions {
  /**
   * The service's base URL, e.g. `http://localhost:3000` (a path is kept: `https://host/flags`).
   * The WebSocket URL is derived from it (`ws:`/`wss:` + `/graphql`). Not an http(s) URL: the
   * constructor throws `INVALID_OPTIONS`.
   */
  url: string;
  /**
   * How changes reach the client. Default `'sse'`. Streaming modes fall back to polling after
   * `fallbackAfterFailures` failures in a row and try streaming again after `streamRetryMs`.
   */
  mode?: FlagMode;
  /**
   * Only flags whose key starts with this (case-sensitive); the same in every mode. Default `''`:
   * every flag. A prefix the server refuses (400 `VALIDATION_FAILED`) is reported as `error` events,
   * and flags are answered with their defaults.
   */
  prefix?: string;
  /**
   * Sent as `Authorization: Bearer <token>` on every request and stream, and as
   * `connectionParams.authorization` over graphql-ws. Default: none.
   */
  token?: string | undefined;
  /**
   * The environment the client reads and evaluates in. When given, it is sent with every read
   * (`?environment=` on polls and streams, the `environment` variable over GraphQL), so the server
   * sends each flag as that environment sees it (`isEnabled` and the definition local evaluation
   * reads); a client token bound to another environment is refused (`FORBIDDEN`). When omitted, the
   * server picks (the token's environment; every environment for an admin token), names it in its
   * answers (`Flagwire-Environment`, GraphQL `readEnvironment`), and local evaluation (`getBooleanValue`
   * and its siblings) reads that one, `'production'` when it serves every environment. Not a non-empty
   * string: the constructor throws `INVALID_OPTIONS`.
   */
  environment?: string;
  /** Interval between polls, in poll mode and during a fallback. Default 5000 ms. */
  pollIntervalMs?: number;
  /**
   * Values answered (reason `BOOTSTRAP`) until the first state arrives from the server, e.g. when it
   * is down at start-up. Ignored from then on. Default: none (reason `NOT_READY`, the default value).
   */
  bootstrap?: Readonly<Record<string, boolean>>;
  /** The `fetch` to use. Default `globalThis.fetch`; none there: the constructor throws `INVALID_OPTIONS`. */
  fetch?: FetchLike;
  /**
   * The WebSocket class for `mode: 'subscription'`. Default `globalThis.WebSocket`; Node 20 has none:
   * pass `WebSocket` from the `ws` package. Missing: each subscription attempt fails (reported as
   * `error`), so the client falls back to polling.
   */
  webSocketImpl?: unknown;
  /**
   * Delays between reconnection attempts (and between failed polls): exponential with full jitter,
   * attempt n waits a random time below min(maxDelayMs, initialDelayMs * 2^n). A server `retry:` hint
   * is honoured as a minimum. Defaults: initialDelayMs 500, maxDelayMs 30000.
   */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * A stream from which nothing (event, heartbeat, pong) arrives for this long is taken for dead and
   * reconnected. Default 45000 ms (three server heartbeats of 15 s). 0 or Infinity disables it.
   */
  silenceTimeoutMs?: number;
  /**
   * Stream failures in a row (refused, broken, silent) after which the client polls instead.
   * Default 3; `Infinity` never falls back.
   */
  fallbackAfterFailures?: number;
  /**
   * While polling after a fallback, how long to wait before trying to stream again. Polling goes
   * on until the stream is up, then stops. Default 60000 ms.
   */
  streamRetryMs?: number;
  /** Deadline of each poll, state query and admin call. Default 10000 ms (then `TIMEOUT`). */
  requestTimeoutMs?: number;
  /** Where to log connection changes and failures. Default: nowhere. */
  logger?: FlagClientLogger;
}

/** The options with every default filled in and every value checked. */
export interface ResolvedOptions {
  readonly url: string;
  readonly mode: FlagMode;
  readonly prefix: string;
  readonly token: string | undefined;
  /** Where local evaluation reads each flag's decision: `environment`, default `'production'`. */
  readonly environment: string;
  /** The environment asked of the server: `environment` as given, undefined when it was omitted. */
  readonly readEnvironment: string | undefined;
  readonly pollIntervalMs: number;
  readonly bootstrap: ReadonlyMap<string, boolean>;
  readonly fetch: FetchLike;
  readonly webSocketImpl: unknown;
  readonly backoff: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly silenceTimeoutMs: number;
  readonly fallbackAfterFailures: number;
  readonly streamRetryMs: number;
  readonly requestTimeoutMs: number;
  readonly logger: FlagClientLogger;
}

const MODES: readonly FlagMode[] = ['poll', 'sse', 'subscription'];

function invalid(message: string): never {
  throw new FlagwireError('INVALID_OPTIONS', `createFlagClient: ${message}`);
}

/** A delay in ms, within what setTimeout can wait (about 24.8 days). */
function duration(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= min && value <= MAX_TIMER_MS)) {
    invalid(`${name} must be a number of ms from ${min} to ${MAX_TIMER_MS}, not ${String(value)}`);
  }
  return value;
}

function failures(value: number | undefined): number {
  if (value === undefined) return 3;
  if (value !== Number.POSITIVE_INFINITY && !(Number.isInteger(value) && value >= 1)) {
    invalid(`fallbackAfterFailures must be a whole number >= 1 or Infinity, not ${String(value)}`);
  }
  return value;
}

/** Fills in defaults; throws `INVALID_OPTIONS` naming the option when one is unusable. */
export function resolveOptions(options: FlagClientOptions): ResolvedOptions {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    return invalid(`url must be an absolute http(s) URL, not ${JSON.stringify(options.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    invalid(`url must be http(s), not ${url.protocol}`);
  const mode = options.mode ?? 'sse';
  if (!MODES.includes(mode)) invalid(`mode must be one of ${MODES.join(', ')}, not ${String(mode)}`);
  const environment = options.environment ?? DEFAULT_ENVIRONMENT;
  if (typeof environment !== 'string' || environment === '')
    invalid(`environment must be a non-empty string, not ${JSON.stringify(environment)}`);
  const fetchImpl = options.fetch ?? (globalThis.fetch ? globalThis.fetch.bind(globalThis) : undefined);
  if (!fetchImpl) invalid('no fetch: pass one as the `fetch` option');
  const initialDelayMs = duration('backoff.initialDelayMs', options.backoff?.initialDelayMs, 500, 1);
  const bootstrap = new Map<string, boolean>();
  for (const [key, value] of Object.entries(options.bootstrap ?? {})) {
    if (typeof value !== 'boolean') invalid(`bootstrap.${key} must be a boolean`);
    bootstrap.set(key, value);
  }
  return {
    url: url.href.replace(/\/+$/, ''),
    mode,
    prefix: options.prefix ?? '',
    token: options.token,
    environment,
    readEnvironment: options.environment,
    pollIntervalMs: duration('pollIntervalMs', options.pollIntervalMs, 5000, 1),
    bootstrap,
    fetch: fetchImpl,
    webSocketImpl: options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket,
    backoff: {
      initialDelayMs,
      maxDelayMs: duration('backoff.maxDelayMs', options.backoff?.maxDelayMs, 30_000, initialDelayMs),
    },
    silenceTimeoutMs:
      options.silenceTimeoutMs === Number.POSITIVE_INFINITY
        ? 0
        : duration('silenceTimeoutMs', options.silenceTimeoutMs, 45_000, 0),
    fallbackAfterFailures: failures(options.fallbackAfterFailures),
    streamRetryMs: duration('streamRetryMs', options.streamRetryMs, 60_000, 1),
    requestTimeoutMs: duration('requestTimeoutMs', options.requestTimeoutMs, 10_000, 1),
    logger: options.logger ?? {},
  };
}
