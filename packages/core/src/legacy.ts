import type { EnvironmentConfig, FlagDefinition } from './definition.js';

/** The environment every install has, and the one legacy flags and readers without one use. */
export const DEFAULT_ENVIRONMENT = 'production';

/** A flag as today's API writes and lists it (`POST /feature-flags {"key","isEnabled","description"}`). */
export interface LegacyFlag {
  key: string;
  isEnabled: boolean;
  description: string;
}

/**
 * Today's boolean flag as a definition: variants `on` (true) and `off` (false), in
 * `environment` (default {@link DEFAULT_ENVIRONMENT}) enabled as `isEnabled` says, serving `off` when disabled and `on`
 * otherwise. The input is not validated here: `validateFlag` the result.
 */
export function fromLegacyFlag(
  legacy: { key: string; isEnabled: boolean; description?: string },
  environment: string = DEFAULT_ENVIRONMENT,
): FlagDefinition {
  return {
    key: legacy.key,
    description: legacy.description ?? '',
    type: 'boolean',
    variants: { on: true, off: false },
    tags: [],
    environments: { [environment]: legacyEnvironmentConfig(legacy.isEnabled) },
  };
}

/** A boolean flag's configuration in one environment as today's API writes it: on or off, no targeting. */
export function legacyEnvironmentConfig(enabled: boolean): EnvironmentConfig {
  return {
    enabled,
    offVariant: 'off',
    prerequisites: [],
    targets: [],
    rules: [],
    fallthrough: { variant: 'on' },
  };
}

/**
 * What a client written for today's API reads: `isEnabled` is whether the flag is enabled in `env`
 * (false where the flag has no configuration for it), whatever its type and targeting.
 */
export function toLegacyView(def: FlagDefinition, env: string = DEFAULT_ENVIRONMENT): LegacyFlag {
  const config = Object.hasOwn(def.environments, env) ? def.environments[env] : undefined;
  return { key: def.key, isEnabled: config?.enabled ?? false, description: def.description };
}
