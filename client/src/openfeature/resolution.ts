import { decisionMetadata, type EvaluationContext as FlagwireContext, type JsonValue } from '@flagwire/core';
import {
  ErrorCode,
  type EvaluationContext,
  type EvaluationContextValue,
  type FlagMetadata,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { EvaluationDetails, EvaluationErrorCode } from '../types.js';

/*
 * The two translations between OpenFeature and the client: its evaluation context in, our evaluation out.
 * Reasons and error codes are OpenFeature's already (@flagwire/core's result.ts uses its words).
 */

/** Every code the client gives, as OpenFeature's enum: a code added to the client fails to compile here. */
const ERROR_CODES: Readonly<Record<EvaluationErrorCode, ErrorCode>> = {
  FLAG_NOT_FOUND: ErrorCode.FLAG_NOT_FOUND,
  PARSE_ERROR: ErrorCode.PARSE_ERROR,
  TYPE_MISMATCH: ErrorCode.TYPE_MISMATCH,
  TARGETING_KEY_MISSING: ErrorCode.TARGETING_KEY_MISSING,
  GENERAL: ErrorCode.GENERAL,
  PROVIDER_NOT_READY: ErrorCode.PROVIDER_NOT_READY,
};

/**
 * The client's evaluation as OpenFeature's `ResolutionDetails`: value, variant, reason, error code and
 * message, and `flagMetadata` (strings and numbers, as OFREP's `metadata`): the environment evaluated in,
 * the flag's version when the flag is known, and what decided (`decidedBy`, `ruleIndex`, `ruleId`,
 * `targetIndex`, `prerequisite`).
 */
export function toResolution<T extends JsonValue>(
  details: EvaluationDetails<T>,
  environment: string,
  flagVersion: number | undefined,
): ResolutionDetails<T> {
  const flagMetadata: FlagMetadata = {
    environment,
    ...(flagVersion !== undefined && { flagVersion }),
    ...decisionMetadata(details.decision),
  };
  return {
    value: details.value,
    ...(details.variant !== undefined && { variant: details.variant }),
    reason: details.reason,
    ...(details.errorCode !== undefined && { errorCode: ERROR_CODES[details.errorCode] }),
    ...(details.errorMessage !== undefined && { errorMessage: details.errorMessage }),
    flagMetadata,
  };
}

/** The caller's default, reason `ERROR`, with OpenFeature's `code`. */
export function failure<T>(value: T, errorCode: ErrorCode, errorMessage: string): ResolutionDetails<T> {
  return { value, reason: 'ERROR', errorCode, errorMessage };
}

/**
 * OpenFeature's evaluation context as the evaluator reads it: JSON, with a `Date` (which OpenFeature
 * allows) as its ISO-8601 string, the form `before`/`after` clauses read; an invalid Date is left out, as
 * is anything JSON has no form for. A `targetingKey` that is not a string makes the context unusable:
 * the answer is the string saying why (OpenFeature's INVALID_CONTEXT).
 */
export function toFlagwireContext(context: EvaluationContext): FlagwireContext | string {
  const targetingKey: unknown = context.targetingKey;
  if (targetingKey !== undefined && targetingKey !== null && typeof targetingKey !== 'string')
    return "the context's targetingKey must be a string";
  const converted: FlagwireContext = {};
  for (const [name, value] of Object.entries(context)) {
    const json = toJson(value);
    if (json !== undefined) converted[name] = json;
  }
  return converted;
}

function toJson(value: EvaluationContextValue | undefined): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (Array.isArray(value)) return value.map((item) => toJson(item) ?? null);
  if (typeof value !== 'object') return undefined;
  const object: { [key: string]: JsonValue } = {};
  for (const [name, item] of Object.entries(value)) {
    const json = toJson(item);
    if (json !== undefined) object[name] = json;
  }
  return object;
}
