import type { Decision } from './result.js';

/** Flag metadata as OpenFeature allows it: strings, numbers and booleans only. */
export type DecisionMetadata = Record<string, string | number | boolean>;

/**
 * What decided an answer, as flag metadata (OpenFeature's `flagMetadata`, OFREP's `metadata`):
 * `decidedBy` (`target`, `rule`, `fallthrough`, `disabled`, `prerequisite`, `environmentNotConfigured`,
 * `flagNotFound`), with the rule's index and id, the target's index, or the prerequisite flag that was
 * not served one of its variants. Empty without a decision.
 */
export function decisionMetadata(decision: Decision | undefined): DecisionMetadata {
  if (decision === undefined) return {};
  const metadata: DecisionMetadata = { decidedBy: decision.kind };
  if (decision.kind === 'rule') {
    metadata.ruleIndex = decision.index;
    if (decision.id !== undefined) metadata.ruleId = decision.id;
  } else if (decision.kind === 'target') metadata.targetIndex = decision.index;
  else if (decision.kind === 'prerequisite') metadata.prerequisite = decision.flag;
  return metadata;
}
