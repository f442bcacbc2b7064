/**
 * The one error model of Flagwire. Every failure a client can see is an {@link AppError} with a stable
 * `code`; transports map the code to an HTTP status (REST) or `extensions.code` (GraphQL) through
 * {@link httpStatusOf} and nothing else.
 */
export const ERROR_HTTP_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  FLAG_NOT_FOUND: 404,
  /** A read or write named (or its token is bound to) an environment nobody created (`POST /environments`). */
  ENVIRONMENT_NOT_FOUND: 404,
  SEGMENT_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  FLAG_ALREADY_EXISTS: 409,
  ENVIRONMENT_ALREADY_EXISTS: 409,
  SEGMENT_ALREADY_EXISTS: 409,
  /** A segment still named by a flag's `segmentMatch` clause cannot be deleted; `details.flags` lists them. */
  SEGMENT_IN_USE: 409,
  WRITE_CONFLICT: 409,
  VERSION_MISMATCH: 412,
  /**
   * `asOf` names a moment the audit history no longer reaches (retention purged it, or the data predates
   * the history): `details` name the oldest revision and time that can be asked for.
   */
  AS_OF_BEYOND_RETENTION: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** `asOf` lies more changes back than one request may undo (AS_OF_MAX_CHANGES). */
  AS_OF_TOO_MANY_CHANGES: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  STORE_UNAVAILABLE: 503,
  /**
   * Writes refused: the Redis bus this instance shares belongs to another store (a misconfiguration:
   * instances sharing a REDIS_KEY_PREFIX must share one store). The message says what to change.
   */
  STORE_MISMATCH: 503,
  /** This instance holds as many streaming connections as it is allowed; try again (elsewhere). */
  TOO_MANY_CONNECTIONS: 503,
  /** Streams only (a subscription cut off for falling behind); never an HTTP response. */
  SLOW_CONSUMER: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

/** Extra, client-safe facts about an error (e.g. which field failed, the current version). */
export type ErrorDetails = Readonly<Record<string, unknown>>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_HTTP_STATUS[code];
}

/** The body every failing REST response carries: `{"error":{"code","message","details?"}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetails };
}

/**
 * Turns anything thrown into what a client may see. Unknown errors become INTERNAL with a generic
 * message: their text can carry driver internals (hosts, queries) that must not leak.
 */
export function toPublicError(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    const error: ErrorBody['error'] = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return { status: httpStatusOf(err.code), body: { error } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error' } } };
}
