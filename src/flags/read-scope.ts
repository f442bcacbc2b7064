import { AppError } from '../errors.js';
import { assertEnvironmentExists } from './definition-validation.js';
import { ALL_ENVIRONMENTS, type ReadScope } from './flag-view.js';
import type { RecordCatalog } from './record-catalog.js';
import { assertValidKey } from './validation.js';

/**
 * The read scope of one request, the same for REST, SSE and GraphQL. A reader bound to an environment
 * (a client token) reads only it: asking for another is FORBIDDEN, and asking for none gives its own.
 * An unbound reader (an admin token, an open service) reads the environment it asks for, or every
 * environment ({@link ALL_ENVIRONMENTS}) when it asks for none. The environment must exist
 * (ENVIRONMENT_NOT_FOUND otherwise: a token bound to one not created yet reads nothing).
 *
 * @param bound the environment the caller's token is bound to; undefined for admins and open access
 * @param requested `?environment=` or the GraphQL `environment` argument; undefined or null when absent
 */
export function readScopeOf(
  catalog: RecordCatalog,
  bound: string | undefined,
  requested: string | null | undefined,
): ReadScope {
  if (requested !== undefined && requested !== null) {
    assertValidKey(requested, 'environment');
    if (bound !== undefined && requested !== bound) {
      throw new AppError('FORBIDDEN', `This token reads environment '${bound}' only, not '${requested}'`, {
        environment: requested,
      });
    }
  }
  const environment = bound ?? requested ?? undefined;
  if (environment === undefined) return ALL_ENVIRONMENTS;
  assertEnvironmentExists(catalog, environment);
  return environment;
}

/**
 * The environment a seed write (`POST`/`PATCH /feature-flags?environment=`, `toggleFlag(environment:)`)
 * changes: the one asked for, or undefined (the service's default, production). The service checks that
 * it exists.
 */
export function writeEnvironmentOf(requested: string | null | undefined): string | undefined {
  if (requested === undefined || requested === null) return undefined;
  assertValidKey(requested, 'environment');
  return requested;
}
