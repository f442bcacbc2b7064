import type { Principal, Scope } from '../auth/access-control.js';
import { AppError } from '../errors.js';

/**
 * The token scopes that may evaluate flags (OFREP, GraphQL `evaluate`): admin and client tokens today.
 * Frontend tokens (a later issue) are added here, and only here, when they arrive.
 */
const EVALUATING_SCOPES: ReadonlySet<Scope> = new Set<Scope>(['admin', 'client']);

/** FORBIDDEN unless the principal's token may evaluate flags. */
export function assertMayEvaluate(principal: Principal): void {
  if (!EVALUATING_SCOPES.has(principal.scope))
    throw new AppError('FORBIDDEN', 'This token may not evaluate flags');
}
