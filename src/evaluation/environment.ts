import { DEFAULT_ENVIRONMENT } from '@flagwire/core';
import type { Principal } from '../auth/access-control.js';
import { ALL_ENVIRONMENTS } from '../flags/flag-view.js';
import { readScopeOf } from '../flags/read-scope.js';
import type { RecordCatalog } from '../flags/record-catalog.js';

/**
 * The environment an evaluation runs in, the one place every transport asks. The rule of reads
 * (read-scope.ts): a token bound to an environment evaluates there, and asking for another is
 * FORBIDDEN; otherwise the one asked for (`?environment=` on OFREP, the `environment` argument in
 * GraphQL), else `production`. OFREP providers cannot always add a query parameter, so the default
 * matters: a provider configured with nothing but a URL and a token evaluates its token's environment.
 * ENVIRONMENT_NOT_FOUND when it does not exist; VALIDATION_FAILED when the key is malformed.
 */
export function evaluationEnvironment(
  principal: Principal,
  requested: string | null | undefined,
  catalog: RecordCatalog,
): string {
  const scope = readScopeOf(catalog, principal.environment, requested);
  return scope === ALL_ENVIRONMENTS ? DEFAULT_ENVIRONMENT : scope;
}
