import type { Request } from 'express';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { ValidationError } from '../flags/errors.js';

/** Validates a JSON body against a schema; the first problem becomes a VALIDATION_FAILED message. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('The request body must be a JSON object');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  const message =
    issue?.code === 'unrecognized_keys' ? `Unknown field(s): ${issue.keys.join(', ')}` : issue?.message;
  throw new ValidationError(field ? `'${field}': ${message}` : (message ?? 'Invalid request body'), {
    ...(field ? { field } : {}),
  });
}

/** A query parameter that may appear at most once; repeated ones are ambiguous and refused. */
export function singleQueryParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new ValidationError(`Query parameter '${name}' must be given at most once, as a plain string`, {
      field: name,
    });
  }
  return value;
}

/** Refuses a write whose body is not declared as JSON, before any parsing happens. */
export function requireJsonBody(req: Request): void {
  if (!req.is('application/json')) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      "Send the body as JSON with 'Content-Type: application/json'",
    );
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `express.json` verify hook: invalid UTF-8 is refused rather than silently replaced by U+FFFD. */
export function rejectInvalidUtf8(_req: unknown, _res: unknown, buf: Buffer): void {
  try {
    strictUtf8.decode(buf);
  } catch {
    throw new ValidationError('The request body is not valid UTF-8');
  }
}
