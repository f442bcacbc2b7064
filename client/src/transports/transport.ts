import type { BackoffOptions } from '../backoff.js';
import type { FlagwireError } from '../errors.js';
import type { HttpContext } from '../http.js';
import type { Flag, FlagChange, FlagMode, Segment, SegmentChange } from '../types.js';

/**
 * What a transport reports to the client. A transport only reports; the client decides what it
 * means (readiness, staleness, fallback).
 */
export interface TransportSink {
  /** In touch with the server: a stream is open and speaking, or a poll was answered. */
  connected(): void;
  /** An attempt failed or a live connection broke. Streams retry by themselves until stopped. */
  failed(error: FlagwireError): void;
  /**
   * A complete state in scope, reflecting every change up to `asOf`; `replay` holds changes that may
   * be newer than it (received while it was read), re-applied on top by revision.
   */
  replace(flags: readonly Flag[], asOf: number, replay?: Iterable<FlagChange>): void;
  /** One change. */
  change(change: FlagChange): void;
  /**
   * Every segment, a complete list reflecting every change up to `asOf` (`replay`: segment changes that
   * may be newer). Sent beside the flags' state, before it when both come at once.
   */
  replaceSegments(segments: readonly Segment[], asOf: number, replay?: Iterable<SegmentChange>): void;
  /** One change to a segment. */
  segmentChange(change: SegmentChange): void;
  /** A poll's answer: `200` (a new list) or `304`. */
  polled(status: 200 | 304): void;
  /**
   * The environment the server serves this client in (its token's), read from the answer carrying the
   * state; undefined when it serves every environment. Local evaluation without an `environment` option
   * evaluates there.
   */
  servedEnvironment(environment: string | undefined): void;
  /** Where a stream should resume: the revision the client's state reflects, if it has a state. */
  resumeRevision(): number | undefined;
}

/** Everything a transport needs besides its sink. */
export interface TransportContext {
  readonly http: HttpContext;
  readonly prefix: string;
  /** Sent as `?environment=` / the `environment` variable when set; else the server picks. */
  readonly environment: string | undefined;
  readonly pollIntervalMs: number;
  readonly backoff: BackoffOptions;
  readonly silenceTimeoutMs: number;
  readonly webSocketImpl: unknown;
}

/** One way of keeping the client's state current: started once, stopped once. */
export interface Transport {
  readonly mode: FlagMode;
  start(): void;
  /** Stops for good: closes connections, cancels timers, and reports nothing more. */
  stop(): void;
}

/** Resolves after `ms`, or at once when `wake()` is called (on stop). */
export class Sleeper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resolve: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  wake(): void {
    clearTimeout(this.timer);
    this.resolve?.();
  }
}
