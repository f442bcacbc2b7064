import { DEFAULT_ENVIRONMENT } from '@flagwire/core';
import type { Principal } from '../auth/access-control.js';
import { assertEnvironmentExists } from '../flags/definition-validation.js';
import type { RecordCatalog } from '../flags/record-catalog.js';
import { assertValidKey } from '../flags/validation.js';

/**
 * The environment an evaluation runs in, the one place every transport asks: the one asked for
 * (`?environment=` on OFREP, the `environment` argument in GraphQL), else `production`. OFREP providers
 * cannot always add a query parameter, so the default matters: a provider configured with nothing but a
 * URL and a token evaluates production.
 *
 * Tokens bound to an environment (the environments work) decide here too: theirs wins, and asking for
 * another is refused. Today no token is bound, so `principal` does not constrain the choice yet.
 * VALIDATION_FAILED when the environment asked for is malformed or does not exist.
 */
export function evaluationEnvironment(
  _principal: Principal,
  requested: string | null | undefined,
  catalog: RecordCatalog,
): string {
  if (requested === undefined || requested === null) return DEFAULT_ENVIRONMENT;
  assertValidKey(requested, 'environment');
  assertEnvironmentExists(catalog, requested);
  return requested;
}
