import type { EvaluationContext as FlagwireContext, JsonValue } from '@flagwire/core';
import {
  ErrorCode,
  type EvaluationContext,
  OpenFeatureEventEmitter,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { FlagClient } from '../client.js';
import { FlagwireError } from '../errors.js';
import { type FlagClientOptions, resolveOptions } from '../options.js';
import type { EvaluationDetails } from '../types.js';
import { MAX_TIMER_MS } from '../watchdog.js';
import { failure, toFlagwireContext, toResolution } from './resolution.js';
import { ProviderSession } from './session.js';

/** Options of {@link FlagwireProvider}: the client's (see `FlagClientOptions`), and one of its own. */
export interface FlagwireProviderOptions extends FlagClientOptions {
  /**
   * How long `initialize` (what `OpenFeature.setProviderAndWait` awaits) waits for the first state.
   * Default 10000 ms. Then it fails (the SDK emits ERROR) while the client keeps trying: READY follows
   * when the state arrives. A refused token fails it at once, as PROVIDER_FATAL.
   */
  initTimeoutMs?: number;
}

/**
 * An OpenFeature server provider (`@openfeature/server-sdk`) backed by a Flagwire client: it streams
 * the definitions and segments (`mode` `'sse'` by default, or `'subscription'`, or `'poll'`) and
 * evaluates every flag locally with @flagwire/core, the evaluator the service runs, so an evaluation
 * makes no request.
 *
 * Events: READY after the first state; STALE when the stream is lost (flags answer their last-known
 * values) and READY when it is back, followed by CONFIGURATION_CHANGED for what changed meanwhile;
 * CONFIGURATION_CHANGED with `flagsChanged`, the keys of the flags whose answer may have changed (the
 * flags changed, the flags naming a changed segment, and the flags naming any of those as a
 * prerequisite); ERROR when `initialize` times out; ERROR with PROVIDER_FATAL (status FATAL) when the
 * server refuses the token (401/403): the client is closed then, nothing retries.
 */
export class FlagwireProvider implements Provider {
  readonly metadata = { name: 'flagwire' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private readonly clientOptions: FlagClientOptions;
  private readonly initTimeoutMs: number;
  private session: ProviderSession | undefined;

  /** Throws `INVALID_OPTIONS` (a FlagwireError) for unusable options, as `createFlagClient` does. */
  constructor(options: FlagwireProviderOptions) {
    const { initTimeoutMs = 10_000, ...clientOptions } = options;
    resolveOptions(clientOptions);
    if (typeof initTimeoutMs !== 'number' || !(initTimeoutMs >= 1 && initTimeoutMs <= MAX_TIMER_MS))
      throw new FlagwireError(
        'INVALID_OPTIONS',
        `FlagwireProvider: initTimeoutMs must be a number of ms from 1 to ${MAX_TIMER_MS}, not ${String(initTimeoutMs)}`,
      );
    this.clientOptions = clientOptions;
    this.initTimeoutMs = initTimeoutMs;
  }

  /** Starts a client (closing any earlier one) and waits for its first state; see `initTimeoutMs`. */
  async initialize(): Promise<void> {
    await this.session?.close();
    const session = new ProviderSession(this.clientOptions, this.events);
    this.session = session;
    await session.start(this.initTimeoutMs);
  }

  /** Closes the client: its connections and timers. The provider can be initialised again. */
  async onClose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return this.resolve(defaultValue, context, flagKey, (client, user) =>
      client.getBooleanDetails(flagKey, defaultValue, user),
    );
  }

  async resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return this.resolve(defaultValue, context, flagKey, (client, user) =>
      client.getStringDetails(flagKey, defaultValue, user),
    );
  }

  async resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return this.resolve(defaultValue, context, flagKey, (client, user) =>
      client.getNumberDetails(flagKey, defaultValue, user),
    );
  }

  async resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.resolve(defaultValue, context, flagKey, (client, user) =>
      client.getObjectDetails(flagKey, defaultValue, user),
    );
  }

  /** Never throws: anything unexpected is the caller's default with GENERAL. */
  private resolve<T extends JsonValue>(
    defaultValue: T,
    context: EvaluationContext,
    flagKey: string,
    evaluate: (client: FlagClient, context: FlagwireContext) => EvaluationDetails<T>,
  ): ResolutionDetails<T> {
    try {
      const session = this.session;
      if (!session)
        return failure(
          defaultValue,
          ErrorCode.PROVIDER_NOT_READY,
          'flagwire: the provider is not initialised',
        );
      if (session.fatal)
        return failure(defaultValue, ErrorCode.PROVIDER_FATAL, 'flagwire: the server refused the token');
      const user = toFlagwireContext(context ?? {});
      if (typeof user === 'string') return failure(defaultValue, ErrorCode.INVALID_CONTEXT, user);
      const { client } = session;
      return toResolution(
        evaluate(client, user),
        client.stats().environment,
        client.getFlag(flagKey)?.version,
      );
    } catch (err) {
      return failure(defaultValue, ErrorCode.GENERAL, err instanceof Error ? err.message : String(err));
    }
  }
}
