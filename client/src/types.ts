import type {
  Decision,
  ErrorCode,
  FlagDefinition,
  JsonValue,
  Reason,
  Segment as SegmentDefinition,
} from '@flagwire/core';

/** A feature flag as the server serves it (PROTOCOL.md, "Flags"). */
export interface Flag {
  readonly key: string;
  readonly isEnabled: boolean;
  readonly description: string;
  /** 1 when created, +1 on every change to this flag. */
  readonly version: number;
  /** The global revision of this flag's latest change: orders changes across flags. */
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * The flag document for the client's environment (every environment for an admin reading without
   * one), with every default filled in: what local evaluation reads. Absent from servers that predate
   * definitions; the flag is then the boolean its `isEnabled` says.
   */
  readonly definition?: FlagDefinition;
}

/** One committed change to one flag, as the event stream and the subscription deliver it. */
export type FlagChange =
  | { readonly kind: 'upsert'; readonly key: string; readonly revision: number; readonly flag: Flag }
  | { readonly kind: 'delete'; readonly key: string; readonly revision: number; readonly version: number };

/**
 * A segment as the server serves it (PROTOCOL.md, "Segments"): a named set of contexts that flags'
 * `segmentMatch` clauses name, shared by every environment. The client holds every segment so local
 * evaluation can answer `segmentMatch`.
 */
export interface Segment {
  readonly key: string;
  /** 1 when created, +1 on every change to this segment. */
  readonly version: number;
  /** The global revision of this segment's latest change (shared with flags). */
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The segment document (`included`, `excluded`, `rules`) with every default filled in. */
  readonly definition: SegmentDefinition;
}

/** One committed change to one segment (SSE `segment-upsert`/`segment-delete`, `flagChanged` with entity SEGMENT). */
export type SegmentChange =
  | { readonly kind: 'upsert'; readonly key: string; readonly revision: number; readonly segment: Segment }
  | { readonly kind: 'delete'; readonly key: string; readonly revision: number; readonly version: number };

/**
 * A difference in the client's segments, emitted as `segment`: every flag naming the segment may now
 * evaluate differently, with no `change` event for the flag.
 */
export interface SegmentChangeEvent {
  readonly kind: 'upsert' | 'delete';
  readonly key: string;
  /** The segment as it is now; absent for a delete. */
  readonly segment?: Segment;
  readonly revision: number;
  /** The transport that brought it. */
  readonly source: FlagMode;
}

/** How the client hears about changes. */
export type FlagMode = 'poll' | 'sse' | 'subscription';

/** A difference in the client's view of the flags, emitted as `change`. */
export interface FlagChangeEvent {
  readonly kind: 'upsert' | 'delete';
  readonly key: string;
  /** The flag as it is now; absent for a delete. */
  readonly flag?: Flag;
  /** The flag as the client held it before; absent when it was new. */
  readonly previous?: Flag;
  /** The revision of the change (for a delete found by comparing full states: the state's revision). */
  readonly revision: number;
  /** The transport that brought it. */
  readonly source: FlagMode;
}

/** Emitted each time the client gets in touch with the server, or loses it (see `FlagClientStats.connected`). */
export interface ConnectionEvent {
  readonly connected: boolean;
  /** The transport in use. */
  readonly mode: FlagMode;
}

/** Emitted once, when the first full state has arrived from the server. */
export interface ReadyEvent {
  readonly source: FlagMode;
  readonly revision: number;
  /** How many flags are in scope. */
  readonly flags: number;
}

/** Emitted after every answered poll (poll mode, and polling during a fallback). */
export interface PollEvent {
  /** `200`: a new list, whose differences were emitted as `change` events; `304`: nothing changed. */
  readonly status: 200 | 304;
  /** How many flags are in scope after it. */
  readonly flags: number;
}

/** Emitted when the transport in use changes: a fallback to polling, or streaming restored. */
export interface ModeEvent {
  readonly mode: FlagMode;
  readonly previous: FlagMode;
  readonly reason: 'fallback' | 'restored';
}

/**
 * Why `evaluate` answered what it did:
 * - `FLAG`: the server's value, and the client is in touch with the server;
 * - `STALE`: the server's last known value, served while the client cannot reach it;
 * - `BOOTSTRAP`: no state from the server yet, the value comes from the `bootstrap` option;
 * - `UNKNOWN_FLAG`: the state is known and has no such flag (outside the prefix counts too): the default;
 * - `NOT_READY`: no state from the server yet and nothing bootstrapped for the key: the default;
 * - `INVALID_KEY`: the key is not a non-empty string: the default;
 * - `ERROR`: an unexpected failure inside the client: the default.
 */
export type EvaluationReason =
  | 'FLAG'
  | 'STALE'
  | 'BOOTSTRAP'
  | 'UNKNOWN_FLAG'
  | 'NOT_READY'
  | 'INVALID_KEY'
  | 'ERROR';

/** The answer of `evaluate`: a value, always, and why. */
export interface Evaluation {
  readonly value: boolean;
  readonly reason: EvaluationReason;
  /** The flag the value came from, when it came from the server's state (`FLAG`, `STALE`). */
  readonly flag?: Flag;
}

/** Counters and state for dashboards and tests. */
export interface FlagClientStats {
  /** The transport in use now (differs from the configured mode during a fallback). */
  readonly mode: FlagMode;
  /** Polls answered `200` with a new list. */
  readonly polls200: number;
  /** Polls answered `304 Not Modified`. */
  readonly polls304: number;
  /** Times a lost connection (stream, or polling after failed polls) was re-established. */
  readonly reconnects: number;
  /** Times the client fell back from streaming to polling. */
  readonly fallbacks: number;
  /** The highest revision the client's state reflects (0 before the first state). */
  readonly lastRevision: number;
  /** Whether the transport in use is in touch with the server right now. */
  readonly connected: boolean;
  /** Whether a full state from the server has arrived. */
  readonly ready: boolean;
  /** The environment local evaluation reads: the `environment` option, else the one the server serves. */
  readonly environment: string;
}

/**
 * Why a local evaluation ({@link FlagClient.getBooleanDetails} and its siblings) answered what it did:
 * OpenFeature's reasons, as @flagwire/core's evaluator gives them (`STATIC`, `DEFAULT`, `TARGETING_MATCH`,
 * `SPLIT`, `DISABLED`, `ERROR`).
 */
export type ResolutionReason = Reason;

/**
 * OpenFeature's error codes: the evaluator's (`FLAG_NOT_FOUND`, `TYPE_MISMATCH`, `TARGETING_KEY_MISSING`,
 * `PARSE_ERROR`, `GENERAL`), and `PROVIDER_NOT_READY` while the client has no state from the server and
 * nothing bootstrapped for the key.
 */
export type EvaluationErrorCode = ErrorCode | 'PROVIDER_NOT_READY';

/**
 * A local evaluation without its key, in the shape of OpenFeature's `ResolutionDetails` (what a provider's
 * `resolve*Evaluation` answers): a value, always (the caller's default when the flag cannot serve one, with
 * `reason` `ERROR` and an `errorCode`), and why.
 */
export interface ResolutionDetails<T extends JsonValue> {
  readonly value: T;
  /** The variant served; absent when the value is the caller's default or a bootstrap value. */
  readonly variant?: string;
  readonly reason: ResolutionReason;
  readonly errorCode?: EvaluationErrorCode;
  readonly errorMessage?: string;
  /** What decided (a target, a rule and its rollout draw, a failed prerequisite, ...), from the evaluator. */
  readonly decision?: Decision;
}

/** A local evaluation with its key: OpenFeature's `EvaluationDetails` shape, plus `decision`. */
export interface EvaluationDetails<T extends JsonValue> extends ResolutionDetails<T> {
  readonly flagKey: string;
}
