/**
 * @flagwire/client: feature flags from a Flagwire service, kept current by ETag polling, Server-Sent
 * Events or a GraphQL subscription, with backoff, a silence watchdog, fallback to polling and
 * last-known-good values. Asking for a flag never throws: it answers a value and says why.
 */

// The evaluator's own types, for contexts and decisions: the definitions local evaluation reads are
// @flagwire/core's.
export type { Decision, EvaluationContext, FlagDefinition, JsonValue } from '@flagwire/core';
export type { CreateFlagInput, DeletedFlag, FlagAdmin, FlagPatch, SetFlagInput } from './admin.js';
export { createFlagClient, type FlagClient, type FlagClientEvents } from './client.js';
export {
  type ClientErrorCode,
  FlagwireError,
  type FlagwireErrorCode,
  type ServerErrorCode,
} from './errors.js';
export type { FetchLike, FlagClientLogger, FlagClientOptions } from './options.js';
export type {
  ConnectionEvent,
  Evaluation,
  EvaluationDetails,
  EvaluationErrorCode,
  EvaluationReason,
  Flag,
  FlagChange,
  FlagChangeEvent,
  FlagClientStats,
  FlagMode,
  ModeEvent,
  PollEvent,
  ReadyEvent,
  ResolutionDetails,
  ResolutionReason,
  Segment,
  SegmentChange,
  SegmentChangeEvent,
} from './types.js';
