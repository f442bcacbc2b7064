/** Codes of the server's error model (PROTOCOL.md, "Errors"). */
export type ServerErrorCode =
  | 'VALIDATION_FAILED'
  | 'FLAG_NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'FLAG_ALREADY_EXISTS'
  | 'WRITE_CONFLICT'
  | 'VERSION_MISMATCH'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'STORE_UNAVAILABLE'
  | 'TOO_MANY_CONNECTIONS'
  | 'INTERNAL'
  | 'SLOW_CONSUMER'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED';

/**
 * Codes the client itself gives:
 * - `NETWORK_ERROR`: the request or connection failed before an answer;
 * - `TIMEOUT`: no answer within `requestTimeoutMs`, or `ready(timeoutMs)` ran out;
 * - `BAD_RESPONSE`: an answer that is not what the protocol promises (status, type or body);
 * - `STREAM_SILENT`: no event, heartbeat or pong within `silenceTimeoutMs`;
 * - `STREAM_ENDED`: the server ended the stream or the subscription;
 * - `CONNECTION_CLOSED`: the WebSocket closed;
 * - `CLOSED`: the client was closed;
 * - `INVALID_OPTIONS`: `createFlagClient` was given unusable options.
 */
export type ClientErrorCode =
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'BAD_RESPONSE'
  | 'STREAM_SILENT'
  | 'STREAM_ENDED'
  | 'CONNECTION_CLOSED'
  | 'CLOSED'
  | 'INVALID_OPTIONS';

/** A server or client code; other strings may come from a server newer than this client. */
export type FlagwireErrorCode = ServerErrorCode | ClientErrorCode | (string & {});

/**
 * The one error type of the client. Admin calls throw it; the flag-reading side never throws and
 * reports it through the `error` event instead.
 */
export class FlagwireError extends Error {
  override readonly name = 'FlagwireError';
  readonly code: FlagwireErrorCode;
  /** The server's `details` (or GraphQL `extensions` besides `code`), when it sent any. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** The HTTP status, when the error came with one. */
  readonly status: number | undefined;
  /** How long the server asked to wait before trying again (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: FlagwireErrorCode,
    message: string,
    extra: {
      details?: Readonly<Record<string, unknown>>;
      status?: number;
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, 'cause' in extra ? { cause: extra.cause } : undefined);
    this.code = code;
    this.details = extra.details;
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
  }
}

/** Wraps anything thrown into a FlagwireError (kept as is when it already is one). */
export function toFlagwireError(err: unknown, code: FlagwireErrorCode = 'NETWORK_ERROR'): FlagwireError {
  if (err instanceof FlagwireError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new FlagwireError(code, message || code, { cause: err });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Retry-After` in seconds (the server's form; an HTTP date is not used by Flagwire), as ms. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
}

/** Reads the server's error model from a REST error body, falling back to the status alone. */
export async function errorFromResponse(response: Response, what: string): Promise<FlagwireError> {
  const status = response.status;
  const retryAfter = retryAfterMs(response);
  const extra = { status, ...(retryAfter !== undefined && { retryAfterMs: retryAfter }) };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  if (error && typeof error.code === 'string') {
    const message = typeof error.message === 'string' ? error.message : error.code;
    return new FlagwireError(error.code, message, {
      ...extra,
      ...(isRecord(error.details) && { details: error.details }),
    });
  }
  return new FlagwireError('BAD_RESPONSE', `${what} answered ${status}`, extra);
}

/** Turns the first of GraphQL `errors` into a FlagwireError with its `extensions.code`. */
export function errorFromGraphQL(errors: unknown, status?: number): FlagwireError {
  const first = Array.isArray(errors) ? (errors[0] as unknown) : errors;
  const message = isRecord(first) && typeof first.message === 'string' ? first.message : 'GraphQL error';
  const extensions = isRecord(first) && isRecord(first.extensions) ? first.extensions : {};
  const { code, ...details } = extensions;
  return new FlagwireError(typeof code === 'string' ? code : 'BAD_RESPONSE', message, {
    ...(Object.keys(details).length > 0 && { details }),
    ...(status !== undefined && { status }),
  });
}
