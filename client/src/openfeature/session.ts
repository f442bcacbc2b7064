import { affectedFlags, type FlagDefinition } from '@flagwire/core';
import {
  ErrorCode,
  GeneralError,
  type OpenFeatureEventEmitter,
  ProviderEvents,
  ProviderFatalError,
} from '@openfeature/server-sdk';
import { createFlagClient, type FlagClient } from '../client.js';
import type { FlagwireError } from '../errors.js';
import type { FlagClientOptions } from '../options.js';
import { ChangeBatch } from './change-batch.js';

/**
 * Where one provider session stands (OpenFeature's provider status, as far as the provider decides it):
 * `starting` until the first state or `initialize`'s deadline; `ready`; `stale` while the client is out
 * of touch with the server; `error` when `initialize` failed (the client keeps trying); `fatal` once the
 * token was refused; `closed`.
 */
type Phase = 'starting' | 'ready' | 'stale' | 'error' | 'fatal' | 'closed';

/** A refused token (401/403, or the server's codes for them): retrying cannot help. */
function isRejectedToken(error: FlagwireError): boolean {
  return (
    error.code === 'UNAUTHENTICATED' ||
    error.code === 'FORBIDDEN' ||
    error.status === 401 ||
    error.status === 403
  );
}

/**
 * One client, from `initialize` to `onClose`, and the OpenFeature events its life gives: the SDK emits
 * READY or ERROR for `initialize` itself; after that this emits STALE when the client loses the server,
 * READY when it is back (or when the first state comes after `initialize` gave up), ERROR with
 * PROVIDER_FATAL when the token is refused (the client is closed: no endless retries), and
 * CONFIGURATION_CHANGED with the keys of the flags whose answer may have changed.
 */
export class ProviderSession {
  readonly client: FlagClient;
  private phase: Phase = 'starting';
  /** Whether the client's first state has arrived: changes before it are that state, not changes. */
  private synced = false;
  private lastError: FlagwireError | undefined;
  private refusal: FlagwireError | undefined;
  private failStart: ((error: Error) => void) | undefined;
  private readonly batch: ChangeBatch;

  constructor(
    options: FlagClientOptions,
    private readonly events: OpenFeatureEventEmitter,
  ) {
    this.batch = new ChangeBatch((flags, segments) => this.changed(flags, segments));
    const client = createFlagClient(options);
    this.client = client;
    client.on('error', (error) => this.onError(error));
    client.on('connection', ({ connected }) => this.onConnection(connected));
    client.on('ready', () => this.onFirstState());
    client.on('change', ({ key }) => {
      if (this.synced) this.batch.flag(key);
    });
    client.on('segment', ({ key }) => {
      if (this.synced) this.batch.segment(key);
    });
  }

  /** Whether the token was refused: the session answers PROVIDER_FATAL from then on. */
  get fatal(): boolean {
    return this.phase === 'fatal';
  }

  /**
   * Resolves once the first state has arrived. Rejects with ProviderFatalError when the token is refused,
   * and with GeneralError when no state arrives within `timeoutMs` (the client keeps trying then, and
   * READY follows when it succeeds) or the session is closed first.
   */
  async start(timeoutMs: number): Promise<void> {
    const refused = new Promise<never>((_, reject) => {
      this.failStart = reject;
    });
    if (this.refusal) this.failStart?.(fatalError(this.refusal));
    try {
      await Promise.race([this.client.ready(timeoutMs), refused]);
      if (this.phase === 'starting') this.phase = 'ready';
    } catch (err) {
      if (err instanceof ProviderFatalError) throw err;
      if (this.refusal) throw fatalError(this.refusal);
      if (this.phase === 'starting') this.phase = 'error';
      const why = this.lastError ? ` (last error: ${this.lastError.code} ${this.lastError.message})` : '';
      throw new GeneralError(
        this.phase === 'closed'
          ? 'flagwire: the provider was closed before its first state arrived'
          : `flagwire: no state from the server within ${timeoutMs} ms${why}; still trying`,
        { cause: err },
      );
    } finally {
      this.failStart = undefined;
    }
  }

  async close(): Promise<void> {
    this.phase = 'closed';
    this.batch.cancel();
    await this.client.close();
  }

  private onError(error: FlagwireError): void {
    this.lastError = error;
    if (!isRejectedToken(error) || this.phase === 'fatal' || this.phase === 'closed') return;
    const starting = this.phase === 'starting';
    this.phase = 'fatal';
    this.refusal = error;
    this.batch.cancel();
    if (starting) this.failStart?.(fatalError(error));
    else
      this.events.emit(ProviderEvents.Error, { errorCode: ErrorCode.PROVIDER_FATAL, message: error.message });
    // After failStart: closing rejects the client's ready() too, and the refusal must win that race.
    void this.client.close();
  }

  private onConnection(connected: boolean): void {
    if (!connected && this.phase === 'ready') {
      this.phase = 'stale';
      this.events.emit(ProviderEvents.Stale, {
        message: `flagwire: lost the server${this.lastError ? ` (${this.lastError.message})` : ''}; serving the last-known flags`,
      });
    } else if (connected && this.phase === 'stale') {
      this.phase = 'ready';
      this.events.emit(ProviderEvents.Ready, { message: 'flagwire: in touch with the server again' });
    }
  }

  private onFirstState(): void {
    this.synced = true;
    // `initialize` gave up (ERROR) but the client kept trying: the provider is ready after all.
    if (this.phase === 'error') {
      this.phase = 'ready';
      this.events.emit(ProviderEvents.Ready, { message: 'flagwire: first state received' });
    }
  }

  private changed(flags: ReadonlySet<string>, segments: ReadonlySet<string>): void {
    if (this.phase === 'fatal' || this.phase === 'closed') return;
    const definitions: FlagDefinition[] = [];
    for (const flag of this.client.getAll()) if (flag.definition) definitions.push(flag.definition);
    const flagsChanged = affectedFlags(definitions, flags, segments);
    // A segment no flag names changes no answer: nothing to tell.
    if (flagsChanged.length > 0) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged });
  }
}

function fatalError(error: FlagwireError): ProviderFatalError {
  return new ProviderFatalError(`flagwire: the server refused the token (${error.code}: ${error.message})`, {
    cause: error,
  });
}
