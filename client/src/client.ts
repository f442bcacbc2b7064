import { DEFAULT_ENVIRONMENT, type EvaluationContext, type JsonValue } from '@flagwire/core';
import { createAdmin, type FlagAdmin } from './admin.js';
import { Emitter } from './emitter.js';
import { FlagwireError } from './errors.js';
import type { HttpContext } from './http.js';
import { LocalEvaluator } from './local.js';
import { type FlagClientOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { SegmentState } from './segment-state.js';
import { FlagState, type StateDiff } from './state.js';
import { PollTransport } from './transports/poll.js';
import { SseTransport } from './transports/sse.js';
import { SubscriptionTransport } from './transports/subscription.js';
import type { Transport, TransportContext, TransportSink } from './transports/transport.js';
import type {
  ConnectionEvent,
  Evaluation,
  EvaluationDetails,
  Flag,
  FlagChangeEvent,
  FlagClientStats,
  FlagMode,
  ModeEvent,
  PollEvent,
  ReadyEvent,
  SegmentChangeEvent,
} from './types.js';

/** The events of a {@link FlagClient} and what their listeners receive. */
export interface FlagClientEvents {
  /** A flag in scope was created, changed or deleted (also for each flag of the first state). */
  change: FlagChangeEvent;
  /**
   * A segment was created, changed or deleted (also for each segment of the first state): flags
   * naming it in `segmentMatch` may now evaluate differently.
   */
  segment: SegmentChangeEvent;
  /** The first full state arrived. */
  ready: ReadyEvent;
  /** The transport in use changed: fallback to polling, or streaming restored. */
  mode: ModeEvent;
  /**
   * In touch with the server again, or no longer (flags then answer their last-known values): each
   * time `stats().connected` flips.
   */
  connection: ConnectionEvent;
  /** A poll was answered (`200` or `304`). */
  poll: PollEvent;
  /** Something failed; the client carries on (retrying, falling back, answering last-known values). */
  error: FlagwireError;
}

/** A feature-flag client. Reading flags never throws: see {@link FlagClient.evaluate}. */
export interface FlagClient {
  /**
   * Resolves once the first full state has arrived from the server. Rejects with `TIMEOUT` after
   * `timeoutMs` (the client keeps trying, flags answer their bootstrap or default meanwhile), or
   * with `CLOSED` when the client is closed first. Without `timeoutMs` it waits as long as it takes.
   */
  ready(timeoutMs?: number): Promise<void>;
  /** The flag's value, or `defaultValue` when it cannot be known; never throws. */
  isEnabled(key: string, defaultValue: boolean): boolean;
  /**
   * The flag's value and why (see {@link EvaluationReason}): today's boolean flag as the server lists it
   * (`isEnabled`), with no context and no environment; never throws. Local evaluation with a context is
   * {@link FlagClient.getBooleanValue} and its siblings.
   */
  evaluate(key: string, defaultValue: boolean): Evaluation;
  /**
   * The flag evaluated locally for `context`, in the client's `environment`, by @flagwire/core's
   * evaluator (the service's own): no request. The caller's default when the flag is unknown, not of
   * type boolean, or cannot be evaluated (see {@link FlagClient.getBooleanDetails} for why); never throws.
   */
  getBooleanValue(key: string, defaultValue: boolean, context?: EvaluationContext): boolean;
  /** As {@link FlagClient.getBooleanValue}, for a flag of type string. */
  getStringValue(key: string, defaultValue: string, context?: EvaluationContext): string;
  /** As {@link FlagClient.getBooleanValue}, for a flag of type number. */
  getNumberValue(key: string, defaultValue: number, context?: EvaluationContext): number;
  /** As {@link FlagClient.getBooleanValue}, for a flag of type object (a JSON object or array). */
  getObjectValue<T extends JsonValue = JsonValue>(
    key: string,
    defaultValue: T,
    context?: EvaluationContext,
  ): T;
  /**
   * The local evaluation with why, as OpenFeature's `EvaluationDetails`: value, variant, reason
   * (`STATIC`, `DEFAULT`, `TARGETING_MATCH`, `SPLIT`, `DISABLED`, `ERROR`), errorCode (`FLAG_NOT_FOUND`,
   * `TYPE_MISMATCH`, `TARGETING_KEY_MISSING`, `PARSE_ERROR`, `PROVIDER_NOT_READY`, `GENERAL`),
   * errorMessage, and the evaluator's `decision`. Never throws.
   */
  getBooleanDetails(
    key: string,
    defaultValue: boolean,
    context?: EvaluationContext,
  ): EvaluationDetails<boolean>;
  getStringDetails(key: string, defaultValue: string, context?: EvaluationContext): EvaluationDetails<string>;
  getNumberDetails(key: string, defaultValue: number, context?: EvaluationContext): EvaluationDetails<number>;
  getObjectDetails<T extends JsonValue = JsonValue>(
    key: string,
    defaultValue: T,
    context?: EvaluationContext,
  ): EvaluationDetails<T>;
  /** The flag as last received, or undefined (unknown, not ready, or not a key). */
  getFlag(key: string): Flag | undefined;
  /** Every flag in scope as last received, sorted by key (empty before the first state). */
  getAll(): Flag[];
  /** Adds a listener; returns the function that removes it. A listener that throws is logged, not rethrown. */
  on<E extends keyof FlagClientEvents>(
    event: E,
    listener: (payload: FlagClientEvents[E]) => void,
  ): () => void;
  stats(): FlagClientStats;
  /** Typed GraphQL mutations; these do throw {@link FlagwireError}. */
  readonly admin: FlagAdmin;
  /** Stops every connection and timer; flags keep answering their last values (reason `STALE`). */
  close(): Promise<void>;
}

/**
 * Creates a client and starts it at once: it connects in the configured `mode`, retries with
 * backoff, falls back to polling when streaming keeps failing, and keeps the last-known-good flags
 * through outages. Throws `INVALID_OPTIONS` (a {@link FlagwireError}) only for unusable options.
 */
export function createFlagClient(options: FlagClientOptions): FlagClient {
  return new DefaultFlagClient(resolveOptions(options));
}

interface ReadyWaiter {
  resolve(): void;
  reject(error: FlagwireError): void;
}

class DefaultFlagClient implements FlagClient {
  readonly admin: FlagAdmin;
  private readonly state = new FlagState();
  /** Every segment, for local evaluation's `segmentMatch` (segment-state.ts). */
  private readonly segments = new SegmentState();
  private readonly local: LocalEvaluator;
  private readonly events: Emitter<FlagClientEvents>;
  private readonly context: TransportContext;
  private readonly waiters = new Set<ReadyWaiter>();
  private readonly counters = { polls200: 0, polls304: 0, reconnects: 0, fallbacks: 0 };
  /** The transport keeping the state current. */
  private main: Transport;
  /** During a fallback: the stream being tried again while polling goes on. */
  private probe: Transport | undefined;
  private probeTimer: ReturnType<typeof setTimeout> | undefined;
  private streamFailures = 0;
  private connected = false;
  private everConnected = false;
  private closed = false;
  private readyEmitted = false;

  constructor(private readonly options: ResolvedOptions) {
    const { logger } = options;
    this.events = new Emitter((error, event) =>
      logger.error?.(`flagwire client: a '${String(event)}' listener threw`, { error }),
    );
    const http: HttpContext = {
      baseUrl: options.url,
      fetch: options.fetch,
      token: options.token,
      requestTimeoutMs: options.requestTimeoutMs,
    };
    this.admin = createAdmin(http);
    this.local = new LocalEvaluator(this.state, options.environment, options.bootstrap, this.segments);
    this.context = {
      http,
      prefix: options.prefix,
      environment: options.readEnvironment,
      pollIntervalMs: options.pollIntervalMs,
      backoff: options.backoff,
      silenceTimeoutMs: options.silenceTimeoutMs,
      webSocketImpl: options.webSocketImpl,
    };
    this.main = this.open(options.mode);
  }

  ready(timeoutMs?: number): Promise<void> {
    if (this.state.isFull) return Promise.resolve();
    if (this.closed) return Promise.reject(new FlagwireError('CLOSED', 'the client is closed'));
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter: ReadyWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new FlagwireError('TIMEOUT', `no state from ${this.options.url} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.waiters.add(waiter);
    });
  }

  isEnabled(key: string, defaultValue: boolean): boolean {
    return this.evaluate(key, defaultValue).value;
  }

  evaluate(key: string, defaultValue: boolean): Evaluation {
    try {
      if (typeof key !== 'string' || key === '') return { value: defaultValue, reason: 'INVALID_KEY' };
      if (!this.state.isFull) {
        const value = this.options.bootstrap.get(key);
        return value === undefined
          ? { value: defaultValue, reason: 'NOT_READY' }
          : { value, reason: 'BOOTSTRAP' };
      }
      const flag = this.state.get(key);
      if (!flag) return { value: defaultValue, reason: 'UNKNOWN_FLAG' };
      return { value: flag.isEnabled, reason: this.connected ? 'FLAG' : 'STALE', flag };
    } catch {
      return { value: defaultValue, reason: 'ERROR' };
    }
  }

  getBooleanValue(key: string, defaultValue: boolean, context?: EvaluationContext): boolean {
    return this.local.resolve(key, defaultValue, 'boolean', context).value;
  }

  getStringValue(key: string, defaultValue: string, context?: EvaluationContext): string {
    return this.local.resolve(key, defaultValue, 'string', context).value;
  }

  getNumberValue(key: string, defaultValue: number, context?: EvaluationContext): number {
    return this.local.resolve(key, defaultValue, 'number', context).value;
  }

  getObjectValue<T extends JsonValue = JsonValue>(
    key: string,
    defaultValue: T,
    context?: EvaluationContext,
  ): T {
    return this.local.resolve(key, defaultValue, 'object', context).value;
  }

  getBooleanDetails(
    key: string,
    defaultValue: boolean,
    context?: EvaluationContext,
  ): EvaluationDetails<boolean> {
    return this.local.details(key, defaultValue, 'boolean', context);
  }

  getStringDetails(
    key: string,
    defaultValue: string,
    context?: EvaluationContext,
  ): EvaluationDetails<string> {
    return this.local.details(key, defaultValue, 'string', context);
  }

  getNumberDetails(
    key: string,
    defaultValue: number,
    context?: EvaluationContext,
  ): EvaluationDetails<number> {
    return this.local.details(key, defaultValue, 'number', context);
  }

  getObjectDetails<T extends JsonValue = JsonValue>(
    key: string,
    defaultValue: T,
    context?: EvaluationContext,
  ): EvaluationDetails<T> {
    return this.local.details(key, defaultValue, 'object', context);
  }

  getFlag(key: string): Flag | undefined {
    return typeof key === 'string' ? this.state.get(key) : undefined;
  }

  getAll(): Flag[] {
    return this.state.list();
  }

  on<E extends keyof FlagClientEvents>(
    event: E,
    listener: (payload: FlagClientEvents[E]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  stats(): FlagClientStats {
    return {
      mode: this.main.mode,
      ...this.counters,
      lastRevision: this.state.lastRevision,
      connected: this.connected,
      ready: this.state.isFull,
      environment: this.local.environment,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    clearTimeout(this.probeTimer);
    this.probe?.stop();
    this.main.stop();
    const error = new FlagwireError('CLOSED', 'the client was closed before the first state arrived');
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
    this.events.clear();
  }

  /** Starts a transport whose reports are heeded only while it is the main one or the probe. */
  private open(mode: FlagMode): Transport {
    const live = () => !this.closed && (transport === this.main || transport === this.probe);
    const sink: TransportSink = {
      connected: () => {
        if (live()) this.onConnected(transport);
      },
      failed: (error) => {
        if (live()) this.onFailed(transport, error);
      },
      replace: (flags, asOf, replay) => {
        if (live()) this.publish(this.state.replace(flags, asOf, replay), mode, true);
      },
      change: (change) => {
        const diff = live() ? this.state.apply(change) : undefined;
        if (diff) this.publish([diff], mode, false);
      },
      replaceSegments: (segments, asOf, replay) => {
        if (!live()) return;
        for (const diff of this.segments.replace(segments, asOf, replay))
          this.events.emit('segment', { ...diff, source: mode });
      },
      segmentChange: (change) => {
        if (!live() || !this.segments.apply(change)) return;
        const { kind, key, revision } = change;
        const segment = change.kind === 'upsert' ? change.segment : undefined;
        this.events.emit('segment', { kind, key, revision, ...(segment && { segment }), source: mode });
      },
      polled: (status) => {
        if (!live()) return;
        if (status === 200) this.counters.polls200++;
        else this.counters.polls304++;
        this.events.emit('poll', { status, flags: this.state.size });
      },
      servedEnvironment: (environment) => {
        // An `environment` option wins: the server then serves that one (or refuses).
        if (live() && this.options.readEnvironment === undefined)
          this.local.useEnvironment(environment ?? DEFAULT_ENVIRONMENT);
      },
      // Segment changes share the revision counter: resume after the newest change of either kind.
      resumeRevision: () =>
        this.state.isFull ? Math.max(this.state.lastRevision, this.segments.lastRevision) : undefined,
    };
    const transport =
      mode === 'poll'
        ? new PollTransport(this.context, sink)
        : mode === 'sse'
          ? new SseTransport(this.context, sink)
          : new SubscriptionTransport(this.context, sink);
    transport.start();
    return transport;
  }

  private onConnected(transport: Transport): void {
    if (transport === this.probe) {
      // Streaming is back: it takes over, and polling stops.
      const previous = this.main.mode;
      this.main.stop();
      this.main = transport;
      this.probe = undefined;
      this.setMode(transport.mode, previous, 'restored');
    }
    if (!this.connected && this.everConnected) this.counters.reconnects++;
    this.streamFailures = 0;
    this.everConnected = true;
    this.setConnected(true);
  }

  private onFailed(transport: Transport, error: FlagwireError): void {
    this.options.logger.warn?.(`flagwire client: ${transport.mode} failed: ${error.message}`, {
      code: error.code,
    });
    this.events.emit('error', error);
    if (transport === this.probe) {
      this.probe.stop();
      this.probe = undefined;
      this.scheduleProbe();
      return;
    }
    this.setConnected(false);
    if (transport.mode === 'poll') return;
    this.streamFailures++;
    if (this.streamFailures >= this.options.fallbackAfterFailures) this.fallBack();
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.events.emit('connection', { connected, mode: this.main.mode });
  }

  private fallBack(): void {
    const previous = this.main.mode;
    this.main.stop();
    this.streamFailures = 0;
    this.counters.fallbacks++;
    this.main = this.open('poll');
    this.setMode('poll', previous, 'fallback');
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      if (!this.closed) this.probe = this.open(this.options.mode);
    }, this.options.streamRetryMs);
  }

  private setMode(mode: FlagMode, previous: FlagMode, reason: ModeEvent['reason']): void {
    this.options.logger.info?.(`flagwire client: ${previous} -> ${mode} (${reason})`);
    this.events.emit('mode', { mode, previous, reason });
  }

  private publish(diffs: readonly StateDiff[], source: FlagMode, full: boolean): void {
    for (const diff of diffs) this.events.emit('change', { ...diff, source });
    if (!full || this.readyEmitted) return;
    this.readyEmitted = true;
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
    this.events.emit('ready', { source, revision: this.state.lastRevision, flags: this.state.size });
  }
}
