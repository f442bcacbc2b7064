/**
 * @flagwire/client: feature flags from a Flagwire service, kept current by ETag polling, Server-Sent
 * Events or a GraphQL subscription, with backoff, a silence watchdog, fallback to polling and
 * last-known-good values. Asking for a flag never throws: it answers a value and says why.
 */
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
  Evaluation,
  EvaluationReason,
  Flag,
  FlagChange,
  FlagChangeEvent,
  FlagClientStats,
  FlagMode,
  ModeEvent,
  PollEvent,
  ReadyEvent,
} from './types.js';
