/*
 * What an evaluation answers, in OpenFeature's words (open-feature/js-sdk, packages/shared/src/evaluation/
 * evaluation.ts: StandardResolutionReasons, ErrorCode), so an OpenFeature provider or OFREP is a thin layer.
 */
import type { FlagType, JsonValue } from './definition.js';

/** The reasons this evaluator gives (a subset of OpenFeature's StandardResolutionReasons). */
export const REASONS = {
  /** The resolved value is static (no dynamic evaluation): the environment has no targeting at all. */
  STATIC: 'STATIC',
  /** The resolved value fell back to a pre-configured value: the fallthrough's fixed variant. */
  DEFAULT: 'DEFAULT',
  /** The result of a dynamic evaluation: an individual target or a rule. */
  TARGETING_MATCH: 'TARGETING_MATCH',
  /** The result of pseudorandom assignment: a percentage rollout. */
  SPLIT: 'SPLIT',
  /** The flag is disabled (or not configured) in this environment, or a prerequisite failed. */
  DISABLED: 'DISABLED',
  /** The result of an error: `errorCode` and `errorMessage` say which. */
  ERROR: 'ERROR',
} as const;
export type Reason = (typeof REASONS)[keyof typeof REASONS];

/** The error codes this evaluator gives (a subset of OpenFeature's ErrorCode). */
export const ERROR_CODES = {
  /** The flag could not be found. */
  FLAG_NOT_FOUND: 'FLAG_NOT_FOUND',
  /** An error was encountered parsing data, such as a flag configuration. */
  PARSE_ERROR: 'PARSE_ERROR',
  /** The type of the flag value does not match the expected type. */
  TYPE_MISMATCH: 'TYPE_MISMATCH',
  /** The provider requires a targeting key and one was not provided in the evaluation context. */
  TARGETING_KEY_MISSING: 'TARGETING_KEY_MISSING',
  /** An error with an unspecified code. */
  GENERAL: 'GENERAL',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** A rollout's draw, for showing why a context landed where it did. */
export interface RolloutDecision {
  /** The context attribute hashed, and its value (as hashed, after the seed). */
  bucketBy: string;
  seed: string;
  /** Unsigned murmur3 of `seed + value`. */
  hash: number;
  /** floor(hash * totalWeight / 2^32): 0..totalWeight-1. */
  bucket: number;
  totalWeight: number;
  /** Index of the chosen entry in the rollout's weights. */
  index: number;
}

/** What decided the answer (for a playground, logs, metadata). */
export type Decision =
  | { kind: 'flagNotFound' }
  | { kind: 'environmentNotConfigured'; environment: string }
  | { kind: 'disabled' }
  | {
      kind: 'prerequisite';
      /** The prerequisite flag that failed, its place in the list, and what it was required to serve. */
      flag: string;
      index: number;
      variants: string[];
      /** What it served instead (absent when it served no variant), and why. */
      served?: string;
      reason: Reason;
      errorCode?: ErrorCode;
    }
  | { kind: 'target'; index: number }
  | { kind: 'rule'; index: number; id?: string; rollout?: RolloutDecision }
  | { kind: 'fallthrough'; rollout?: RolloutDecision };

export interface Evaluation<T = JsonValue> {
  value: T;
  /** The variant served; absent when the caller's default is answered. */
  variant?: string;
  reason: Reason;
  errorCode?: ErrorCode;
  errorMessage?: string;
  decision?: Decision;
}

export type ExpectedType = FlagType;
