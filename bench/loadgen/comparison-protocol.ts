// What bench/compare/measure.ts (evaluator-comparison's child) takes and prints. Kept here, in the root
// project, so the scenario reads it typed without depending on bench/compare's own install.
import type { Run } from './timing.js';

export interface ComparisonOptions {
  /** Alternating rounds (each engine once per round). */
  rounds: number;
  /** Length of each timed run. */
  seconds: number;
}

/** The engines timed, in the order each round runs them. */
export const ENGINES = ['map', 'flagwire', 'flagd', 'unleash'] as const;
export type EngineId = (typeof ENGINES)[number];

/** How the engines' answers were checked against Flagwire's before timing (the run stops on a disagreement). */
export interface Agreement {
  /** Contexts evaluated by every engine. */
  contexts: number;
  /** flagd-core served the same variant for every one of them (same bucketing: fractional v2). */
  flagdSameVariant: number;
  /** Unleash decided by the strategy standing for the rule (or fallthrough) that decided in Flagwire. */
  unleashSameLayer: number;
  /** Unleash served the same variant wherever Flagwire's answer does not depend on a split. */
  unleashSameFixedVariant: number;
  /**
   * Where a split decided (Unleash hashes differently), per rule id or `fallthrough`: how many contexts, and
   * the share of `treatment` that the split's weights promise, Flagwire served and Unleash served.
   */
  splits: Record<
    string,
    { contexts: number; weightShare: number; flagwireShare: number; unleashShare: number }
  >;
}

export interface ComparisonResult {
  runs: Record<EngineId, Run[]>;
  /** Installed versions of the compared packages. */
  versions: Record<string, string>;
  agreement: Agreement;
}
