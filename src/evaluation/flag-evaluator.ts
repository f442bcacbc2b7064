import {
  type Decision,
  type EvaluationContext,
  type ErrorCode as EvaluatorErrorCode,
  evaluate,
  type FlagLookup,
  type JsonValue,
  type Reason,
  type SegmentLookup,
} from '@flagwire/core';
import { type FlagRecord, segmentRecordKey } from '../flags/flag.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { contextProblem } from './context.js';

/** OpenFeature's error codes this service answers: the evaluator's, and INVALID_CONTEXT for the request's. */
export type EvaluationErrorCode = EvaluatorErrorCode | 'INVALID_CONTEXT';

/**
 * One flag evaluated for one context in one environment, as every transport (OFREP, GraphQL) serves it.
 * `value` is absent when the caller's own default applies (the flag serves no variant: not found, not
 * configured in the environment, an error): the server does not know the caller's default, so it says
 * so instead of inventing one (OFREP's "code default", ADR 0006).
 */
export interface ServedEvaluation {
  readonly key: string;
  readonly environment: string;
  readonly value?: JsonValue;
  readonly variant?: string;
  readonly reason: Reason;
  readonly errorCode?: EvaluationErrorCode;
  readonly errorDetails?: string;
  /** What decided (a rule, a target, the prerequisite that failed, a rollout's draw). */
  readonly decision?: Decision;
  /** The flag evaluated; absent when there is none. */
  readonly flag?: FlagRecord;
  /** The revision of the state evaluated, set by a transport answering `asOf` (a past state). */
  readonly asOfRevision?: number;
}

/**
 * The service's one evaluator: a flag from this instance's snapshot, evaluated by @flagwire/core's
 * `evaluate` (the code the client library runs locally) with prerequisites and segments looked up in the
 * same snapshot. Never throws.
 *
 * Compiled flags are cached by the core, per definition object: the snapshot holds each record, the same
 * object, until its flag changes, and a change brings a new record (a new definition, compiled once on
 * its first evaluation). So this class keeps no cache of its own that a change would have to invalidate.
 */
export class FlagEvaluator {
  private readonly flags: FlagLookup;
  private readonly segments: SegmentLookup;

  constructor(private readonly snapshot: FlagSnapshot) {
    this.flags = (key) => {
      const record = snapshot.get(key);
      return record?.kind === 'flag' ? record.definition : undefined;
    };
    this.segments = (key) => {
      const record = snapshot.get(segmentRecordKey(key));
      return record?.kind === 'segment' ? record.definition : undefined;
    };
  }

  /** `key` for `context` in `environment` (which the caller has checked exists). */
  evaluate(key: string, environment: string, context: unknown): ServedEvaluation {
    try {
      const problem = contextProblem(context);
      if (problem !== undefined)
        return { key, environment, reason: 'ERROR', errorCode: 'INVALID_CONTEXT', errorDetails: problem };
      const record = this.snapshot.get(key);
      const flag = record?.kind === 'flag' ? record : undefined;
      const result = evaluate<JsonValue>(flag?.definition, environment, context as EvaluationContext, {
        // Never served: a result without a variant is the caller's default, and answered without a value.
        defaultValue: null,
        flags: this.flags,
        segments: this.segments,
      });
      return {
        key,
        environment,
        ...(result.variant !== undefined && { value: result.value, variant: result.variant }),
        reason: result.reason,
        ...(result.errorCode !== undefined && { errorCode: result.errorCode }),
        ...(result.errorMessage !== undefined && {
          errorDetails:
            result.errorCode === 'FLAG_NOT_FOUND' ? `Flag '${key}' was not found` : result.errorMessage,
        }),
        ...(result.decision !== undefined && { decision: result.decision }),
        ...(flag !== undefined && { flag }),
      };
    } catch (err) {
      // `evaluate` never throws; this guards the lookups around it, so no transport ever sees a throw.
      return {
        key,
        environment,
        reason: 'ERROR',
        errorCode: 'GENERAL',
        errorDetails: err instanceof Error ? err.message : String(err),
      };
    }
  }
}
