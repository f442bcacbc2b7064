import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, toPublicError } from '../errors.js';

/** Errors raised by body-parser (`express.json`), by their `type`. */
const BODY_PARSER_ERRORS: Record<string, () => AppError> = {
  'entity.parse.failed': () => new AppError('VALIDATION_FAILED', 'The request body is not valid JSON'),
  'entity.too.large': () => new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large'),
  'entity.verify.failed': () => new AppError('VALIDATION_FAILED', 'The request body is not valid UTF-8'),
  'encoding.unsupported': () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Encoding'),
  'charset.unsupported': () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'Only UTF-8 JSON bodies are accepted'),
  'request.aborted': () => new AppError('VALIDATION_FAILED', 'The request body was cut short'),
  'request.size.invalid': () =>
    new AppError('VALIDATION_FAILED', 'The request body does not match Content-Length'),
};

function normalize(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const type = (err as { type?: unknown } | null)?.type;
  if (typeof type === 'string') {
    // body-parser keeps an error thrown by the verify hook as its cause-less message; use ours.
    const verifyError = type === 'entity.verify.failed' && (err as { message?: unknown }).message;
    const mapped = BODY_PARSER_ERRORS[type];
    if (mapped) return verifyError ? new AppError('VALIDATION_FAILED', String(verifyError)) : mapped();
  }
  // The router and body-parser raise a few more client errors with status 400 and no type: a path
  // parameter that is not valid percent-encoding (a URIError), a body that does not decompress as its
  // Content-Encoding says (a zlib error). Their own messages are not written for clients.
  if ((err as { status?: unknown } | null)?.status === 400) {
    return new AppError(
      'VALIDATION_FAILED',
      err instanceof URIError
        ? 'The request path is not valid percent-encoded UTF-8'
        : 'The request body could not be read as its Content-Encoding says',
    );
  }
  return err;
}

/** The one place REST failures become HTTP: status and `{"error":{code,message}}` from the error model. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = toPublicError(normalize(err));
    if (status >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const retryAfter = body.error.details?.retryAfterSeconds;
    if (status === 503 || status === 429) res.setHeader('Retry-After', String(retryAfter ?? 1));
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(status).json(body);
  };
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}`));
};
