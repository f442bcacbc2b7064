import { decisionMetadata } from '@flagwire/core';
import { AppError, httpStatusOf } from '../errors.js';
import type { ServedEvaluation } from '../evaluation/flag-evaluator.js';

/*
 * OFREP's bodies (open-feature/protocol, service/openapi.yaml): its own shapes, not the REST error body.
 * Every failure carries an OpenFeature error code (and, for one flag, names it), so a provider can
 * always say why.
 */

/** A flag evaluated (`evaluationSuccess`); without `value` the provider answers its code default. */
export interface OfrepSuccess {
  key: string;
  value?: unknown;
  variant?: string;
  reason: string;
  metadata: Record<string, string | number | boolean>;
}

/**
 * A flag that could not be evaluated (`evaluationFailure`, `flagNotFound`), or a refused request: with
 * the flag's key on the single-flag endpoint, without on the bulk one (`bulkEvaluationFailure`).
 */
export interface OfrepFailure {
  key?: string;
  errorCode: string;
  errorDetails: string;
  /** Set for an `asOf` answer (its revision) and an `asOf` refusal (Flagwire's code and its details). */
  metadata?: Record<string, string | number | boolean>;
}

export interface OfrepAnswer {
  status: number;
  body: OfrepSuccess | OfrepFailure;
  headers?: Record<string, string>;
}

/**
 * An evaluation as OFREP answers it: 200 with the value; 404 FLAG_NOT_FOUND; 400 for every other error
 * (INVALID_CONTEXT, PARSE_ERROR, TARGETING_KEY_MISSING, GENERAL), the status OFREP gives its
 * `evaluationFailure`. Also the item of the bulk answer's `flags` list (its status aside).
 */
export function evaluationAnswer(served: ServedEvaluation): OfrepAnswer {
  if (served.errorCode !== undefined)
    return {
      status: served.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400,
      body: { key: served.key, errorCode: served.errorCode, errorDetails: served.errorDetails ?? '' },
    };
  const { key, reason, variant } = served;
  const metadata = metadataOf(served);
  return {
    status: 200,
    body:
      variant === undefined
        ? { key, reason, metadata }
        : { key, value: served.value, variant, reason, metadata },
  };
}

/** Flag metadata: the environment, the flag's version, and what decided (core's decisionMetadata). */
function metadataOf(served: ServedEvaluation): OfrepSuccess['metadata'] {
  const metadata: OfrepSuccess['metadata'] = { environment: served.environment };
  if (served.flag !== undefined) metadata.flagVersion = served.flag.version;
  return Object.assign(metadata, decisionMetadata(served.decision));
}

/**
 * The one place where this transport turns a thrown error into a response: an AppError keeps its
 * HTTP status (401, 403, 400 for a bad `?environment=`, 413, 415, 429, 503 ...) and message, with
 * OpenFeature's GENERAL code (OpenFeature has no code for a refused request); anything else is 500
 * with a generic message, as in REST.
 */
export function failureAnswer(key: string | undefined, err: unknown): OfrepAnswer {
  if (!(err instanceof AppError))
    return { status: 500, body: failure(key, 'GENERAL', 'Internal server error') };
  // OFREP's 404 means "no such flag" to a provider: an unknown environment is a bad request here.
  const status = err.code === 'ENVIRONMENT_NOT_FOUND' ? 400 : httpStatusOf(err.code);
  const headers: Record<string, string> = {};
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer';
  if (status === 405) headers.Allow = 'POST';
  if (status === 429 || status === 503) {
    const retryAfter = err.details?.retryAfterSeconds;
    headers['Retry-After'] = String(retryAfter ?? 1);
  }
  const body: OfrepFailure = failure(key, 'GENERAL', err.message);
  // OpenFeature has no code for "before the history" or "too far back": Flagwire's rides in metadata.
  if (err.code === 'AS_OF_BEYOND_RETENTION' || err.code === 'AS_OF_TOO_MANY_CHANGES')
    body.metadata = { errorCode: err.code, ...primitivesOf(err.details) };
  return { status, body, headers };
}

/** The string, number and boolean members of `details` (what OFREP metadata may hold). */
function primitivesOf(details: Readonly<Record<string, unknown>> | undefined): OfrepSuccess['metadata'] {
  const out: OfrepSuccess['metadata'] = {};
  for (const [name, value] of Object.entries(details ?? {}))
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      out[name] = value;
  return out;
}

/** A request OFREP calls a parse error (not JSON, not UTF-8): 400 PARSE_ERROR. */
export function parseErrorAnswer(key: string | undefined, details: string): OfrepAnswer {
  return { status: 400, body: failure(key, 'PARSE_ERROR', details) };
}

/** A request without a usable context: 400 INVALID_CONTEXT. */
export function invalidContextAnswer(key: string | undefined, details: string): OfrepAnswer {
  return { status: 400, body: failure(key, 'INVALID_CONTEXT', details) };
}

function failure(key: string | undefined, errorCode: string, errorDetails: string): OfrepFailure {
  return key === undefined ? { errorCode, errorDetails } : { key, errorCode, errorDetails };
}
