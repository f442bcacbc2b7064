import {
  type EvaluationContext,
  evaluate,
  type FlagLookup,
  type FlagType,
  type JsonValue,
  type Segment,
} from '@flagwire/core';
import type { SegmentState } from './segment-state.js';
import type { FlagState } from './state.js';
import type { EvaluationDetails, EvaluationErrorCode, ResolutionDetails } from './types.js';

/**
 * Local evaluation: the flag's definition, held by the state, evaluated in the client's environment by
 * @flagwire/core's `evaluate`, the same code the service runs, with no request. Never throws.
 *
 * Fast on the hot path: the state keeps each definition the same object until the flag changes, so the
 * evaluator's compiled form (cached per definition object) is reused; the prerequisite lookup is made
 * once here, not per call. Segments are read as they are now: a changed segment changes the answer of
 * every flag naming it, with no change to the flag.
 */
export class LocalEvaluator {
  private readonly flags: FlagLookup;
  private readonly segments: (key: string) => Segment | undefined;

  constructor(
    private readonly state: FlagState,
    /** Where decisions are read: the client's `environment` option, else the one the server serves. */
    private evaluationEnvironment: string,
    private readonly bootstrap: ReadonlyMap<string, boolean>,
    /** Every segment, for `segmentMatch`; without it every segment is unknown (matches nobody). */
    segments?: SegmentState,
  ) {
    this.flags = (key) => state.definition(key);
    this.segments = (key) => segments?.definition(key);
  }

  /** Where decisions are read now. */
  get environment(): string {
    return this.evaluationEnvironment;
  }

  /** Evaluates in `environment` from now on (the server said which one it serves this client). */
  useEnvironment(environment: string): void {
    this.evaluationEnvironment = environment;
  }

  /** The evaluation of `key` (its value and why), without the key: what the value getters read. */
  resolve<T extends JsonValue>(
    key: string,
    defaultValue: T,
    expectedType: FlagType,
    context: EvaluationContext | undefined,
  ): ResolutionDetails<T> {
    try {
      if (typeof key !== 'string' || key === '')
        return failed(defaultValue, 'FLAG_NOT_FOUND', 'the flag key must be a non-empty string');
      if (!this.state.isFull) return this.beforeState(key, defaultValue, expectedType);
      return evaluate(this.state.definition(key), this.evaluationEnvironment, context, {
        defaultValue,
        expectedType,
        flags: this.flags,
        segments: this.segments,
      });
    } catch (err) {
      // evaluate never throws; this guards the client's own part (a key whose checks throw, say).
      return failed(defaultValue, 'GENERAL', err instanceof Error ? err.message : String(err));
    }
  }

  /** The evaluation of `key` in OpenFeature's `EvaluationDetails` shape. */
  details<T extends JsonValue>(
    key: string,
    defaultValue: T,
    expectedType: FlagType,
    context: EvaluationContext | undefined,
  ): EvaluationDetails<T> {
    const result = this.resolve(key, defaultValue, expectedType, context);
    return { flagKey: typeof key === 'string' ? key : '', ...result };
  }

  /**
   * No state from the server yet: a `bootstrap` value (booleans only) answers with reason `DEFAULT` (a
   * pre-configured value, in OpenFeature's words); else the caller's default, `PROVIDER_NOT_READY`.
   */
  private beforeState<T extends JsonValue>(
    key: string,
    defaultValue: T,
    expectedType: FlagType,
  ): ResolutionDetails<T> {
    const value = this.bootstrap.get(key);
    if (value === undefined)
      return failed(defaultValue, 'PROVIDER_NOT_READY', 'no state from the server yet');
    if (expectedType !== 'boolean')
      return failed(
        defaultValue,
        'TYPE_MISMATCH',
        `the bootstrap value of ${key} is a boolean, not ${expectedType}`,
      );
    return { value: value as T, reason: 'DEFAULT' };
  }
}

/** The caller's default, reason `ERROR`, with a code and a message. */
function failed<T extends JsonValue>(
  value: T,
  errorCode: EvaluationErrorCode,
  errorMessage: string,
): ResolutionDetails<T> {
  return { value, reason: 'ERROR', errorCode, errorMessage };
}
