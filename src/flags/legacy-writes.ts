import { type FlagDefinition, legacyEnvironmentConfig } from '@flagwire/core';
import { ValidationError } from './errors.js';

/** What the seed's writes change: `isEnabled` in one environment, and the shared description. */
export interface LegacyPatch {
  isEnabled?: boolean | undefined;
  description?: string | undefined;
}

/**
 * The definition after a seed-style write in `environment`. `isEnabled` sets that environment's
 * `enabled`, leaving its targeting alone. An environment the flag has no configuration for gets the
 * seed's boolean configuration when the flag is the seed's boolean (variants `on`/`off`); any other
 * flag cannot be given one without saying what to serve, so the write is refused.
 */
export function applyLegacyPatch(
  definition: FlagDefinition,
  patch: LegacyPatch,
  environment: string,
): FlagDefinition {
  let next = definition;
  if (patch.description !== undefined) next = { ...next, description: patch.description };
  if (patch.isEnabled !== undefined) next = withEnabled(next, environment, patch.isEnabled);
  return next;
}

/** The definition with `enabled` flipped in `environment`. */
export function toggledIn(definition: FlagDefinition, environment: string): FlagDefinition {
  const config = configIn(definition, environment);
  return withEnabled(definition, environment, !(config?.enabled ?? false));
}

function withEnabled(definition: FlagDefinition, environment: string, enabled: boolean): FlagDefinition {
  const config = configIn(definition, environment) ?? seedConfigFor(definition, environment, enabled);
  return {
    ...definition,
    environments: { ...definition.environments, [environment]: { ...config, enabled } },
  };
}

function configIn(definition: FlagDefinition, environment: string) {
  return Object.hasOwn(definition.environments, environment)
    ? definition.environments[environment]
    : undefined;
}

function seedConfigFor(definition: FlagDefinition, environment: string, enabled: boolean) {
  const { variants } = definition;
  if (definition.type === 'boolean' && variants.on === true && variants.off === false) {
    return legacyEnvironmentConfig(enabled);
  }
  throw new ValidationError(
    `Flag '${definition.key}' has no configuration in environment '${environment}' to switch: ` +
      `PUT its definition with one (offVariant, fallthrough)`,
    { field: `environments.${environment}`, environment },
  );
}
