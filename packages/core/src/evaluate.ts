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
import { allClausesMatch, attributeOf, type ClauseScope, compileClause } from './clauses.js';
import type {
  EnvironmentConfig,
  EvaluationContext,
  FlagDefinition,
  FlagType,
  JsonValue,
  Rollout,
  Segment,
  Serve,
  Target,
} from './definition.js';
import { DefinitionError } from './errors.js';
import { fractional, totalWeightOf } from './fractional.js';
import { type Lookup, lookUp } from './lookup.js';
import type { Decision, ErrorCode, Evaluation, Reason, RolloutDecision } from './result.js';

/** Prerequisites can have prerequisites: this deep at most (validation refuses cycles; this guards anyway). */
export const MAX_PREREQUISITE_DEPTH = 10;

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
  const result = evaluateFlag(flag, environmentKey, context ?? {}, options, []);
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
): Evaluation<T | JsonValue> {
  const { defaultValue } = options;
  if (flag === undefined || flag === null)
    return failure(defaultValue, 'FLAG_NOT_FOUND', 'flag not found', { kind: 'flagNotFound' });
  try {
    const environments = flag.environments;
    const config = Object.hasOwn(environments, environmentKey) ? environments[environmentKey] : undefined;
    if (config === undefined)
      return {
        value: defaultValue,
        reason: 'DISABLED',
        decision: { kind: 'environmentNotConfigured', environment: environmentKey },
      };
    const problem = environmentProblem(flag, environmentKey, config);
    if (problem !== undefined) throw problem;
    return decide(flag, config, environmentKey, context, options, path);
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
  config: EnvironmentConfig,
  environmentKey: string,
  context: EvaluationContext,
  options: EvaluateOptions<T>,
  path: readonly string[],
): Evaluation<T | JsonValue> {
  if (!config.enabled) return served(flag, config.offVariant, 'DISABLED', { kind: 'disabled' });

  const { prerequisites, targets, rules } = config;
  for (let index = 0; index < prerequisites.length; index++) {
    const failed = failedPrerequisite(flag, index, config, environmentKey, context, options, path);
    if (failed) return served(flag, config.offVariant, 'DISABLED', failed);
  }

  const targetingKey = attributeOf(context, 'targetingKey');
  if (typeof targetingKey === 'string') {
    for (let index = 0; index < targets.length; index++) {
      const target = targets[index] as Target;
      if (targetValues(target).has(targetingKey))
        return served(flag, target.variant, 'TARGETING_MATCH', { kind: 'target', index });
    }
  }

  if (rules.length > 0) {
    const scope: ClauseScope = { segments: options.segments, segmentPath: [] };
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index];
      if (rule === undefined || !allClausesMatch(rule.clauses, context, scope)) continue;
      const decision = { kind: 'rule', index, ...(rule.id === undefined ? {} : { id: rule.id }) } as const;
      return serve(flag, rule.serve, 'TARGETING_MATCH', decision, context, options.defaultValue);
    }
  }

  const untargeted = prerequisites.length === 0 && targets.length === 0 && rules.length === 0;
  return serve(
    flag,
    config.fallthrough,
    untargeted ? 'STATIC' : 'DEFAULT',
    { kind: 'fallthrough' },
    context,
    options.defaultValue,
  );
}

/** The prerequisite at `index` evaluated; a decision when it does not serve one of its variants. */
function failedPrerequisite<T extends JsonValue>(
  flag: FlagDefinition,
  index: number,
  config: EnvironmentConfig,
  environmentKey: string,
  context: EvaluationContext,
  options: EvaluateOptions<T>,
  path: readonly string[],
): Decision | undefined {
  const prerequisite = config.prerequisites[index];
  if (prerequisite === undefined) return undefined;
  const base = {
    kind: 'prerequisite',
    flag: prerequisite.flag,
    index,
    variants: prerequisite.variants,
  } as const;
  const chain = [...path, flag.key];
  if (chain.includes(prerequisite.flag) || chain.length > MAX_PREREQUISITE_DEPTH)
    return { ...base, reason: 'ERROR', errorCode: 'PARSE_ERROR' };
  const result = evaluateFlag(
    lookUp(options.flags, prerequisite.flag),
    environmentKey,
    context,
    { defaultValue: null, flags: options.flags, segments: options.segments },
    chain,
  );
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

/** A target's keys as a Set, built once per target object (target lists can hold thousands of keys). */
const targetSets = new WeakMap<Target, Set<string>>();
function targetValues(target: Target): Set<string> {
  let set = targetSets.get(target);
  if (set === undefined) {
    set = new Set(target.values);
    targetSets.set(target, set);
  }
  return set;
}

/** A fixed variant with `reason`, or a rollout (SPLIT). */
function serve<T extends JsonValue>(
  flag: FlagDefinition,
  what: Serve,
  reason: Reason,
  decision: Extract<Decision, { kind: 'rule' | 'fallthrough' }>,
  context: EvaluationContext,
  defaultValue: T,
): Evaluation<T | JsonValue> {
  if ('variant' in what) return served(flag, what.variant, reason, decision);
  if (!('rollout' in what)) throw new DefinitionError('serve has neither a variant nor a rollout');
  const rollout = what.rollout;
  const bucketBy = rollout.bucketBy ?? 'targetingKey';
  const value = bucketingValue(context, bucketBy);
  if (value === undefined)
    return failure(
      defaultValue,
      'TARGETING_KEY_MISSING',
      `the rollout buckets by ${bucketBy}, missing from the context`,
      decision,
    );
  const seed = rollout.seed ?? flag.key;
  const split = fractional(seed, value, rollout.weights);
  if (split === undefined) throw new DefinitionError(describeBadWeights(rollout));
  const draw: RolloutDecision = {
    bucketBy,
    seed,
    hash: split.hash,
    bucket: split.bucket,
    totalWeight: split.totalWeight,
    index: split.index,
  };
  return served(flag, split.entry.variant, 'SPLIT', { ...decision, rollout: draw });
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

function describeBadWeights(rollout: Rollout): string {
  const weights = rollout.weights.map((w) => w.weight).join(', ');
  return `rollout weights [${weights}] are not non-negative integers totalling 1..2147483647`;
}

function served(
  flag: FlagDefinition,
  variant: string,
  reason: Reason,
  decision: Decision,
): Evaluation<JsonValue> {
  if (!Object.hasOwn(flag.variants, variant))
    throw new DefinitionError(`unknown variant ${JSON.stringify(variant)}`);
  return { value: flag.variants[variant] as JsonValue, variant, reason, decision };
}

/** Each flag's environments checked once (definitions are immutable): the problem found, or null. */
const checkedEnvironments = new WeakMap<FlagDefinition, Map<string, DefinitionError | null>>();

/**
 * Why `flag` cannot be evaluated in this environment (a variant named that does not exist, rollout weights
 * that cannot be bucketed, a clause that does not compile), or undefined. Checked in full before the first
 * evaluation, so a corrupt definition answers PARSE_ERROR for every context, not only for the contexts
 * that reach the corrupt part. Validation refuses all of these at write time.
 */
export function environmentProblem(
  flag: FlagDefinition,
  environmentKey: string,
  config: EnvironmentConfig,
): DefinitionError | undefined {
  let checked = checkedEnvironments.get(flag);
  if (checked === undefined) {
    checked = new Map();
    checkedEnvironments.set(flag, checked);
  }
  let problem = checked.get(environmentKey);
  if (problem === undefined) {
    problem = findProblem(flag, config) ?? null;
    checked.set(environmentKey, problem);
  }
  return problem ?? undefined;
}

function findProblem(flag: FlagDefinition, config: EnvironmentConfig): DefinitionError | undefined {
  const variant = (name: unknown, where: string) =>
    typeof name === 'string' && Object.hasOwn(flag.variants, name)
      ? undefined
      : new DefinitionError(`${where}: unknown variant ${JSON.stringify(name)}`);
  const serveProblem = (what: Serve, where: string): DefinitionError | undefined => {
    if ('variant' in what) return variant(what.variant, where);
    if (!('rollout' in what) || !Array.isArray(what.rollout.weights))
      return new DefinitionError(`${where}: neither a variant nor a rollout`);
    if (totalWeightOf(what.rollout.weights) === undefined)
      return new DefinitionError(`${where}: ${describeBadWeights(what.rollout)}`);
    for (const [i, w] of what.rollout.weights.entries()) {
      const problem = variant(w.variant, `${where}.rollout.weights[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
  const problems = [
    variant(config.offVariant, 'offVariant'),
    ...config.targets.map((target, i) => variant(target.variant, `targets[${i}]`)),
    ...config.rules.flatMap((rule, i) => [
      ...rule.clauses.map((clause, j) => {
        const compiled = compileClause(clause);
        return compiled instanceof DefinitionError
          ? new DefinitionError(`rules[${i}].clauses[${j}]: ${compiled.message}`)
          : undefined;
      }),
      serveProblem(rule.serve, `rules[${i}].serve`),
    ]),
    serveProblem(config.fallthrough, 'fallthrough'),
  ];
  return problems.find((problem) => problem !== undefined);
}
