import type { Decision } from '@flagwire/core';

/** The evaluator's account of a failed prerequisite (`Decision` of kind `prerequisite`). */
export type FailedPrerequisite = Extract<Decision, { kind: 'prerequisite' }>;

/** `Decision.kind` as GraphQL's `DecisionKind` spells it. */
export const DECISION_KINDS = {
  flagNotFound: 'FLAG_NOT_FOUND',
  environmentNotConfigured: 'ENVIRONMENT_NOT_CONFIGURED',
  disabled: 'DISABLED',
  prerequisite: 'PREREQUISITE',
  target: 'TARGET',
  rule: 'RULE',
  fallthrough: 'FALLTHROUGH',
} as const satisfies Record<Decision['kind'], string>;
