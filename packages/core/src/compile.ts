/*
 * A flag's environment compiled once for evaluation: variants resolved to their values, target lists as
 * Sets, clauses as functions with their values read, rollouts with their total weight. Compiling checks
 * the whole environment, so a corrupt definition answers PARSE_ERROR for every context, not only for the
 * contexts that happen to reach the corrupt part. Definitions are treated as immutable: each flag object
 * is compiled once (WeakMap), so a changed definition must be a new object (as parsing one makes it).
 */
import { type CompiledClause, compileClause } from './clauses.js';
import type { EnvironmentConfig, FlagDefinition, JsonValue, Prerequisite, Serve } from './definition.js';
import { DefinitionError } from './errors.js';
import { FRACTIONAL_MAX_TOTAL_WEIGHT, totalWeightOf } from './fractional.js';

export interface CompiledVariant {
  kind: 'variant';
  variant: string;
  value: JsonValue;
}

export interface CompiledRollout {
  kind: 'rollout';
  bucketBy: string;
  seed: string;
  weights: number[];
  variants: string[];
  values: JsonValue[];
  totalWeight: number;
}

export type CompiledServe = CompiledVariant | CompiledRollout;

export interface CompiledRule {
  index: number;
  id: string | undefined;
  clauses: CompiledClause[];
  serve: CompiledServe;
}

export interface CompiledEnvironment {
  enabled: boolean;
  off: CompiledVariant;
  prerequisites: readonly Prerequisite[];
  targets: { keys: ReadonlySet<string>; serve: CompiledVariant }[];
  rules: CompiledRule[];
  fallthrough: CompiledServe;
  /** STATIC when the environment has no prerequisites, targets or rules; else DEFAULT (for a fixed variant). */
  fallthroughReason: 'STATIC' | 'DEFAULT';
}

/** Per flag object, per environment key: compiled, the problem found, or null (not configured). */
const compiled = new WeakMap<FlagDefinition, Map<string, CompiledEnvironment | DefinitionError | null>>();

/**
 * `flag` compiled for `environmentKey`: undefined when the flag is not configured there, a DefinitionError
 * when it cannot be evaluated there (an unknown variant, weights that cannot be bucketed, a clause that
 * does not compile). Other exceptions (a definition of the wrong shape) propagate, uncached.
 */
export function compileEnvironment(
  flag: FlagDefinition,
  environmentKey: string,
): CompiledEnvironment | DefinitionError | undefined {
  let perEnvironment = compiled.get(flag);
  if (perEnvironment === undefined) {
    perEnvironment = new Map();
    compiled.set(flag, perEnvironment);
  }
  let entry = perEnvironment.get(environmentKey);
  if (entry === undefined) {
    const environments = flag.environments;
    const config = Object.hasOwn(environments, environmentKey) ? environments[environmentKey] : undefined;
    if (config === undefined) entry = null;
    else {
      try {
        entry = build(flag, config);
      } catch (err) {
        if (!(err instanceof DefinitionError)) throw err;
        entry = err;
      }
    }
    perEnvironment.set(environmentKey, entry);
  }
  return entry ?? undefined;
}

function build(flag: FlagDefinition, config: EnvironmentConfig): CompiledEnvironment {
  const { prerequisites, targets, rules } = config;
  if (!Array.isArray(prerequisites) || !Array.isArray(targets) || !Array.isArray(rules))
    throw new DefinitionError('prerequisites, targets and rules must be lists');
  return {
    enabled: config.enabled === true,
    off: variant(flag, config.offVariant, 'offVariant'),
    prerequisites,
    targets: targets.map((target, i) => ({
      keys: new Set(target.values),
      serve: variant(flag, target.variant, `targets[${i}]`),
    })),
    rules: rules.map((rule, i) => ({
      index: i,
      id: rule.id,
      clauses: rule.clauses.map((clause, j) => {
        const c = compileClause(clause);
        if (c instanceof DefinitionError)
          throw new DefinitionError(`rules[${i}].clauses[${j}]: ${c.message}`);
        return c;
      }),
      serve: serve(flag, rule.serve, `rules[${i}].serve`),
    })),
    fallthrough: serve(flag, config.fallthrough, 'fallthrough'),
    fallthroughReason:
      prerequisites.length === 0 && targets.length === 0 && rules.length === 0 ? 'STATIC' : 'DEFAULT',
  };
}

function variant(flag: FlagDefinition, name: unknown, where: string): CompiledVariant {
  if (typeof name !== 'string' || !Object.hasOwn(flag.variants, name))
    throw new DefinitionError(`${where}: unknown variant ${JSON.stringify(name)}`);
  return { kind: 'variant', variant: name, value: flag.variants[name] as JsonValue };
}

function serve(flag: FlagDefinition, what: Serve, where: string): CompiledServe {
  if (typeof what === 'object' && what !== null && 'variant' in what)
    return variant(flag, what.variant, where);
  if (
    typeof what !== 'object' ||
    what === null ||
    !('rollout' in what) ||
    !Array.isArray(what.rollout?.weights)
  )
    throw new DefinitionError(`${where}: neither a variant nor a rollout`);
  const { rollout } = what;
  const totalWeight = totalWeightOf(rollout.weights);
  if (totalWeight === undefined) {
    const weights = rollout.weights.map((w) => w.weight).join(', ');
    throw new DefinitionError(
      `${where}: rollout weights [${weights}] are not non-negative integers totalling 1..${FRACTIONAL_MAX_TOTAL_WEIGHT}`,
    );
  }
  const variants = rollout.weights.map((w, i) => variant(flag, w.variant, `${where}.rollout.weights[${i}]`));
  return {
    kind: 'rollout',
    bucketBy: rollout.bucketBy ?? 'targetingKey',
    seed: rollout.seed ?? flag.key,
    weights: rollout.weights.map((w) => w.weight),
    variants: variants.map((v) => v.variant),
    values: variants.map((v) => v.value),
    totalWeight,
  };
}
