import { DEFAULT_ENVIRONMENT, type FlagDefinition } from '@flagwire/core';
import type { FlagRecord } from './flag.js';

/**
 * Whose view of the flags a read serves. `ALL_ENVIRONMENTS` (admins, and an open service, reading
 * without `?environment=`): whole definitions, `isEnabled` as in production. An environment's key
 * (a client token's environment, or `?environment=`): each definition cut down to that environment,
 * `isEnabled` as there. A scope is a plain string so caches can key on it.
 */
export type ReadScope = string;
export const ALL_ENVIRONMENTS: ReadScope = '*';

/**
 * The response header naming the one environment a read was served in (absent when it served every
 * environment): a client that did not ask for one learns its token's, and evaluates there.
 */
export const SERVED_ENVIRONMENT_HEADER = 'Flagwire-Environment';

/** The headers that say which environment `scope` serves: none for every environment. */
export function scopeHeaders(scope: ReadScope): Record<string, string> {
  return scope === ALL_ENVIRONMENTS ? {} : { [SERVED_ENVIRONMENT_HEADER]: scope };
}

/** The environment whose `enabled` a scope's `isEnabled` reports. */
export function environmentOf(scope: ReadScope): string {
  return scope === ALL_ENVIRONMENTS ? DEFAULT_ENVIRONMENT : scope;
}

/**
 * A flag as the REST API, SSE and GraphQL serve it: the seed's fields first (`key`, `isEnabled`,
 * `description`, so a client written for them keeps working), the bookkeeping, then the definition
 * for the scope (what a client evaluates locally from). Field order is fixed: bodies, and so ETags,
 * are identical on every instance.
 */
export interface FlagView {
  readonly key: string;
  readonly isEnabled: boolean;
  readonly description: string;
  readonly version: number;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly definition: FlagDefinition;
}

/**
 * How each view was built, beside it rather than in it: the wire shape stays the seed's plus the
 * definition, while GraphQL gives views of different scopes (and past views) different ids (see
 * {@link viewIdentity}).
 */
const builtAs = new WeakMap<FlagView, { scope: ReadScope; past: boolean }>();

/**
 * A stable identity for a view, for normalised caches: the key for the every-environment view, and
 * `key@environment` for a view cut to one (`@` is in neither keys nor environments). Two scopes show one
 * flag differently (`isEnabled`, `environments`), so one cache reading both must hold two objects. A
 * view of the flag as it was (`asOf`) adds `#<revision of its last change>`: it must never overwrite
 * the current flag in a cache, and two reads of the same version share it.
 */
export function viewIdentity(view: FlagView): string {
  const built = builtAs.get(view);
  const scope = built?.scope ?? ALL_ENVIRONMENTS;
  const scoped = scope === ALL_ENVIRONMENTS ? view.key : `${view.key}@${scope}`;
  return built?.past ? `${scoped}#${view.revision}` : scoped;
}

/** What the ids of a view's parts start with (flag-parts.ts): its key, `#<revision>` added for a past view. */
export function partsIdentity(view: FlagView): string {
  return builtAs.get(view)?.past ? `${view.key}#${view.revision}` : view.key;
}

/** The view of `record` for `scope`; `past` for a flag as it was at an earlier revision (`asOf`). */
export function flagView(record: FlagRecord, scope: ReadScope, past = false): FlagView {
  const view = buildView(record, scope);
  builtAs.set(view, { scope, past });
  return view;
}

function buildView(record: FlagRecord, scope: ReadScope): FlagView {
  const { definition } = record;
  const environment = environmentOf(scope);
  const config = Object.hasOwn(definition.environments, environment)
    ? definition.environments[environment]
    : undefined;
  return {
    key: record.key,
    isEnabled: config?.enabled ?? false,
    description: definition.description,
    version: record.version,
    revision: record.revision,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    definition:
      scope === ALL_ENVIRONMENTS
        ? definition
        : { ...definition, environments: config ? { [environment]: config } : {} },
  };
}
