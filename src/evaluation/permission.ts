import type { Principal, Scope } from '../auth/access-control.js';
import { AppError } from '../errors.js';

/**
 * The token scopes that may evaluate flags (OFREP, GraphQL `evaluate`): every kind. Frontend tokens
 * reach only OFREP (every other route authenticates with `AccessControl.authenticate`, which refuses
 * them), so GraphQL `evaluate` never sees one.
 */
const EVALUATING_SCOPES: ReadonlySet<Scope> = new Set<Scope>(['admin', 'client', 'frontend']);

/** FORBIDDEN unless the principal's token may evaluate flags. */
export function assertMayEvaluate(principal: Principal): void {
  if (!EVALUATING_SCOPES.has(principal.scope))
    throw new AppError('FORBIDDEN', 'This token may not evaluate flags');
}
