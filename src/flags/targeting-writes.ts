import type { EnvironmentConfig, FlagDefinition } from '@flagwire/core';
import { ValidationError } from './errors.js';
import { findRule } from './rule-address.js';

/*
 * The targeting writes (`setRules`, `setRollout`): each takes the current definition and returns the
 * document to write, NOT yet validated. The service validates it like a `PUT`, so a refusal names the
 * path in the whole document (`environments.production.rules[0].serve.variant`) and nothing is stored.
 */

/** The document with `environment`'s rules replaced by `rules` (anything: validation judges it). */
export function withRules(definition: FlagDefinition, environment: string, rules: unknown): unknown {
  const config = configIn(definition, environment);
  return withConfig(definition, environment, { ...config, rules });
}

/**
 * The document with a rule of `environment` (`ruleRef`, see rule-address.ts), or its fallthrough when
 * `ruleRef` is null, serving `rollout`.
 */
export function withRollout(
  definition: FlagDefinition,
  environment: string,
  ruleRef: string | null,
  rollout: unknown,
): unknown {
  const config = configIn(definition, environment);
  if (ruleRef === null) return withConfig(definition, environment, { ...config, fallthrough: { rollout } });
  const position = findRule(config.rules, ruleRef);
  if (position === -1) {
    throw new ValidationError(
      `Flag '${definition.key}' has no rule '${ruleRef}' in environment '${environment}'`,
      { field: 'ruleId', ruleId: ruleRef, environment },
    );
  }
  const rules = config.rules.map((rule, index) =>
    index === position ? { ...rule, serve: { rollout } } : rule,
  );
  return withConfig(definition, environment, { ...config, rules });
}

function configIn(definition: FlagDefinition, environment: string): EnvironmentConfig {
  const config = Object.hasOwn(definition.environments, environment)
    ? definition.environments[environment]
    : undefined;
  if (config) return config;
  throw new ValidationError(
    `Flag '${definition.key}' has no configuration in environment '${environment}': ` +
      'write one with replaceFlag (PUT) first (enabled, offVariant, fallthrough)',
    { field: `environments.${environment}`, environment },
  );
}

function withConfig(definition: FlagDefinition, environment: string, config: object): unknown {
  return { ...definition, environments: { ...definition.environments, [environment]: config } };
}
