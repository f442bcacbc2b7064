/*
 * The evaluator: which variant of a flag a context gets in an environment, and why. Pure (no I/O, no
 * clock, no randomness), synchronous and total: it never throws. The order is DESIGN.md's
 * "Flags that decide", written here once for the service and the client:
 *
 *   unknown flag                         -> caller's default, ERROR / FLAG_NOT_FOUND
 *   environment not configured           -> caller's default, DISABLED (the flag does not exist there yet)
 *   not enabled                          -> offVariant, DISABLED
 *   a prerequisite not serving one of
 *   its listed variants                  -> offVariant, DISABLED (decision names the prerequisite)
 *   targetingKey in a target list        -> that variant, TARGETING_MATCH
 *   first rule whose clauses all match   -> its variant, TARGETING_MATCH | its rollout, SPLIT
 *   fallthrough                          -> STATIC (no prerequisites, targets or rules; a fixed variant)
 *                                         | DEFAULT (a fixed variant) | SPLIT (a rollout)
 *   a rollout without a bucketBy value   -> caller's default, ERROR / TARGETING_KEY_MISSING
 *   value of the wrong type for the
 *   caller's expectedType                -> caller's default, ERROR / TYPE_MISMATCH
 *   a definition it cannot read          -> caller's default, ERROR / PARSE_ERROR (validation refuses these)
 *   anything unexpected                  -> caller's default, ERROR / GENERAL
 */
import { allMatch, attributeOf, type ClauseScope } from './clauses.js';
import {
  type CompiledEnvironment,
  type CompiledServe,
  type CompiledVariant,
  compileEnvironment,
} from './compile.js';
import type { EvaluationContext, FlagDefinition, FlagType, JsonValue, Segment } from './definition.js';
import { DefinitionError } from './errors.js';
import { bucketOf, pickIndex } from './fractional.js';
import { type Lookup, lookUp } from './lookup.js';
import { murmur3Concat } from './murmur3.js';
import type { Decision, ErrorCode, Evaluation, Reason, RolloutDecision } from './result.js';

/**
 * Prerequisites can have prerequisites: this deep at most (validation allows 8 and refuses cycles; this
 * guards anyway, for definitions that were never validated). See limits.ts for all evaluator limits.
 */
export const MAX_EVALUATION_DEPTH = 10;

/**
 * What one evaluation (a flag and its prerequisites, one environment, one context) remembers: each
 * prerequisite flag's result, so a flag several others require is evaluated once. Without it a diamond
 * (A requires B and C, both require D, ...) costs one evaluation per PATH: exponential in the depth.
 */
interface EvaluationState {
  /** Prerequisite results by flag key; created on the first prerequisite. */
  memo: Map<string, Evaluation<JsonValue>> | undefined;
  /**
   * How often the cycle or depth guard has failed a prerequisite. A result whose evaluation hit the guard
   * depends on the path it was reached by, so it is not remembered.
   */
  guardHits: number;
}

export interface EvaluateOptions<T extends JsonValue> {
  /** Answered when the flag cannot serve a variant (not found, not configured, errors). */
  defaultValue: T;
  /** The type the caller reads (OpenFeature's getBooleanValue etc.): another type answers TYPE_MISMATCH. */
  expectedType?: FlagType;
  /** Other flags, for prerequisites (evaluated in the same environment with the same context). */
  flags?: Lookup<FlagDefinition> | undefined;
  segments?: Lookup<Segment> | undefined;
}

/**
 * Evaluates `flag` (undefined: not found) in `environmentKey` for `context`. Never throws. Without
 * `expectedType` the variant's value is returned as it is (typed `T` on trust).
 */
export function evaluate<T extends JsonValue>(
  flag: FlagDefinition | undefined,
  environmentKey: string,
  context: EvaluationContext | undefined,
  options: EvaluateOptions<T>,
): Evaluation<T> {
  // A context is a JSON object; anything else (null, a string, an array) has no attributes.
  const attributes =
    typeof context === 'object' && context !== null && !Array.isArray(context) ? context : {};
  const result = evaluateFlag(flag, environmentKey, attributes, options, [], {
    memo: undefined,
    guardHits: 0,
  });
  const expected = options.expectedType;
  if (expected === undefined || result.variant === undefined || hasType(result.value, expected))
    return result as Evaluation<T>;
  return {
    value: options.defaultValue,
    reason: 'ERROR',
    errorCode: 'TYPE_MISMATCH',
    errorMessage: `flag ${flag?.key ?? ''} variant ${result.variant} is ${describeType(result.value)}, not ${expected}`,
    ...(result.decision ? { decision: result.decision } : {}),
  };
}

/** Whether a variant's value is of the type the caller expects (`object`: any JSON object or array). */
export function hasType(value: JsonValue, type: FlagType): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'object':
      return typeof value === 'object' && value !== null;
  }
}

function describeType(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function failure<T>(
  defaultValue: T,
  errorCode: ErrorCode,
  errorMessage: string,
  decision?: Decision,
): Evaluation<T> {
  return { value: defaultValue, reason: 'ERROR', errorCode, errorMessage, ...(decision ? { decision } : {}) };
}

/** One flag, prerequisites included; `path` = the flags whose prerequisites led here (cycle guard). */
function evaluateFlag<T extends JsonValue>(
  flag: FlagDefinition | undefined,
  environmentKey: string,
  context: EvaluationContext,
  options: EvaluateOptions<T>,
  path: readonly string[],
  state: EvaluationState,
): Evaluation<T | JsonValue> {
  const { defaultValue } = options;
  if (flag === undefined || flag === null)
    return failure(defaultValue, 'FLAG_NOT_FOUND', 'flag not found', { kind: 'flagNotFound' });
  try {
    const environment = compileEnvironment(flag, environmentKey);
    if (environment === undefined)
      return {
        value: defaultValue,
        reason: 'DISABLED',
        decision: { kind: 'environmentNotConfigured', environment: environmentKey },
      };
    if (environment instanceof DefinitionError) throw environment;
    return decide(flag, environment, environmentKey, context, options, path, state);
  } catch (err) {
    if (err instanceof DefinitionError)
      return failure(defaultValue, 'PARSE_ERROR', `flag ${flag.key}: ${err.message}`);
    return failure(
      defaultValue,
      'GENERAL',
      `flag ${String(flag.key)}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function decide<T extends JsonValue>(
  flag: FlagDefinition,
  environment: CompiledEnvironment,
  environmentKey: string,
  context: EvaluationContext,
  options: EvaluateOptions<T>,
  path: readonly string[],
  state: EvaluationState,
): Evaluation<T | JsonValue> {
  if (!environment.enabled) return served(environment.off, 'DISABLED', { kind: 'disabled' });

  const { prerequisites, targets, rules } = environment;
  for (let index = 0; index < prerequisites.length; index++) {
    const failed = failedPrerequisite(
      flag,
      index,
      environment,
      environmentKey,
      context,
      options,
      path,
      state,
    );
    if (failed) return served(environment.off, 'DISABLED', failed);
  }

  if (targets.length > 0) {
    const targetingKey = attributeOf(context, 'targetingKey');
    if (typeof targetingKey === 'string') {
      for (let index = 0; index < targets.length; index++) {
        const target = targets[index] as CompiledEnvironment['targets'][number];
        if (target.keys.has(targetingKey))
          return served(target.serve, 'TARGETING_MATCH', { kind: 'target', index });
      }
    }
  }

  if (rules.length > 0) {
    const scope: ClauseScope = { segments: options.segments, segmentPath: [] };
    for (const rule of rules) {
      if (!allMatch(rule.clauses, context, scope)) continue;
      return serve(rule.serve, 'TARGETING_MATCH', 'rule', rule.index, rule.id, context, options.defaultValue);
    }
  }

  return serve(
    environment.fallthrough,
    environment.fallthroughReason,
    'fallthrough',
    -1,
    undefined,
    context,
    options.defaultValue,
  );
}

/** The prerequisite at `index` evaluated; a decision when it does not serve one of its variants. */
function failedPrerequisite<T extends JsonValue>(
  flag: FlagDefinition,
  index: number,
  environment: CompiledEnvironment,
  environmentKey: string,
  context: EvaluationContext,
  options: EvaluateOptions<T>,
  path: readonly string[],
  state: EvaluationState,
): Decision | undefined {
  const prerequisite = environment.prerequisites[index];
  if (prerequisite === undefined) return undefined;
  const base = {
    kind: 'prerequisite',
    flag: prerequisite.flag,
    index,
    variants: prerequisite.variants,
  } as const;
  const chain = [...path, flag.key];
  if (chain.includes(prerequisite.flag) || chain.length > MAX_EVALUATION_DEPTH) {
    state.guardHits++;
    return { ...base, reason: 'ERROR', errorCode: 'PARSE_ERROR' };
  }
  state.memo ??= new Map();
  let result = state.memo.get(prerequisite.flag);
  if (result === undefined) {
    const guardHits = state.guardHits;
    result = evaluateFlag(
      lookUp(options.flags, prerequisite.flag),
      environmentKey,
      context,
      { defaultValue: null, flags: options.flags, segments: options.segments },
      chain,
      state,
    );
    if (state.guardHits === guardHits) state.memo.set(prerequisite.flag, result);
  }
  if (
    result.errorCode === undefined &&
    result.variant !== undefined &&
    prerequisite.variants.includes(result.variant)
  )
    return undefined;
  return {
    ...base,
    ...(result.variant === undefined ? {} : { served: result.variant }),
    reason: result.reason,
    ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }),
  };
}

/** A rule's or the fallthrough's serve: a fixed variant with `reason`, or a rollout (SPLIT). */
function serve<T extends JsonValue>(
  what: CompiledServe,
  reason: Reason,
  kind: 'rule' | 'fallthrough',
  index: number,
  id: string | undefined,
  context: EvaluationContext,
  defaultValue: T,
): Evaluation<T | JsonValue> {
  if (what.kind === 'variant') return served(what, reason, decisionOf(kind, index, id, undefined));
  const value = bucketingValue(context, what.bucketBy);
  if (value === undefined)
    return failure(
      defaultValue,
      'TARGETING_KEY_MISSING',
      `the rollout buckets by ${what.bucketBy}, missing from the context`,
      decisionOf(kind, index, id, undefined),
    );
  // flagd's fractional v2 (see fractional.ts: `fractional`), on the compiled weights.
  const hash = murmur3Concat(what.seed, value);
  const bucket = bucketOf(hash, what.totalWeight);
  const chosen = pickIndex(what.weights, bucket);
  return {
    value: what.values[chosen] as JsonValue,
    variant: what.variants[chosen] as string,
    reason: 'SPLIT',
    decision: decisionOf(kind, index, id, {
      bucketBy: what.bucketBy,
      seed: what.seed,
      hash,
      bucket,
      totalWeight: what.totalWeight,
      index: chosen,
    }),
  };
}

/** What decided, for a rule (its index and id) or the fallthrough, with the rollout's draw if any. */
function decisionOf(
  kind: 'rule' | 'fallthrough',
  index: number,
  id: string | undefined,
  rollout: RolloutDecision | undefined,
): Decision {
  if (kind === 'fallthrough') return rollout ? { kind, rollout } : { kind };
  const decision: Extract<Decision, { kind: 'rule' }> =
    id === undefined ? { kind, index } : { kind, index, id };
  if (rollout) decision.rollout = rollout;
  return decision;
}

/**
 * The value a rollout hashes: a non-empty string as it is, a finite number as its JavaScript text
 * (`42` -> "42"); anything else (absent, empty, boolean, object) is missing.
 */
export function bucketingValue(context: EvaluationContext, attribute: string): string | undefined {
  const value = attributeOf(context, attribute);
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function served(what: CompiledVariant, reason: Reason, decision: Decision): Evaluation<JsonValue> {
  return { value: what.value, variant: what.variant, reason, decision };
}
