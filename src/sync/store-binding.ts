import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { BusClaim } from '../feed/open-bus.js';

/** Writes refused because the shared bus belongs to another store; the message says what to change. */
export class StoreMismatchError extends AppError {
  constructor(message: string, details: { busStoreId: string; storeId: string }) {
    super('STORE_MISMATCH', message, details);
  }
}

export interface StoreBindingOptions {
  /** This instance's store ({@link FlagStore.identity}). */
  readonly storeId: string;
  /** What the store is, for the message: e.g. 'the embedded file store' or 'MongoDB'. */
  readonly storeLabel: string;
  /** REDIS_KEY_PREFIX, named in the message. */
  readonly redisKeyPrefix: string;
  /** How often the claim is checked again (besides every reconnect). */
  readonly checkIntervalMs: number;
}

/**
 * Keeps the rule "instances that share a Redis key prefix share one store". At start, on every
 * reconnect to Redis and every `checkIntervalMs`, it claims the bus for this instance's store (if no
 * store holds it) and compares the holder with this store. While another store holds it,
 * {@link refusal} answers the error writes get and /readyz reports; once the holder is this store
 * again, writes resume.
 *
 * Until Redis first answers, nothing can be checked: the instance takes writes, as it does whenever
 * Redis is away at start (with one shared store, they are safe), and checks as soon as Redis answers.
 * A check that fails keeps the last answer. Without a shared bus there is nothing to claim.
 */
export class StoreBinding {
  private refused: StoreMismatchError | undefined;
  private checking: Promise<void> | undefined;
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly claim: BusClaim | undefined,
    private readonly options: StoreBindingOptions,
    private readonly logger: Logger,
  ) {}

  /** Checks once (never rejects), then keeps checking. */
  async start(): Promise<void> {
    const { claim } = this;
    if (!claim) return;
    this.stops.push(claim.onReady(() => void this.check()));
    const timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
    timer.unref();
    this.stops.push(() => clearInterval(timer));
    await this.check();
  }

  /** Why writes are refused now, or undefined when they are not. */
  refusal(): StoreMismatchError | undefined {
    return this.refused;
  }

  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.checking;
  }

  /** One check at a time: a check asked for meanwhile is covered by the one running. */
  check(): Promise<void> {
    this.checking ??= this.compare().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async compare(): Promise<void> {
    if (!this.claim) return;
    let holder: string;
    try {
      holder = await this.claim.holder(this.options.storeId);
    } catch (err) {
      this.logger.debug({ err }, 'store claim not checked (redis unavailable); keeping the last answer');
      return;
    }
    const wasRefused = this.refused !== undefined;
    if (holder === this.options.storeId) {
      this.refused = undefined;
      if (wasRefused)
        this.logger.warn({ storeId: holder }, 'the Redis bus belongs to this store again: writes resume');
      return;
    }
    const previous = this.refused?.details?.busStoreId;
    this.refused = new StoreMismatchError(this.message(holder, this.claim.key), {
      busStoreId: holder,
      storeId: this.options.storeId,
    });
    if (previous !== holder)
      this.logger.error({ busStoreId: holder, storeId: this.options.storeId }, this.refused.message);
  }

  private message(holder: string, claimKey: string): string {
    const { redisKeyPrefix, storeId, storeLabel, checkIntervalMs } = this.options;
    const seconds = Math.max(1, Math.round(checkIntervalMs / 1000));
    return (
      `Writes refused: Redis key prefix '${redisKeyPrefix}' belongs to another flag store (${holder}), not to ` +
      `this instance's store (${storeLabel}, ${storeId}). Instances that share a REDIS_KEY_PREFIX must share one ` +
      'store: give this instance the same MONGODB_URI as the others (an embedded DATA_DIR store belongs to one ' +
      'process and cannot be shared), or a REDIS_KEY_PREFIX of its own. If the other store is gone for good, ' +
      `delete the Redis key '${claimKey}': this instance claims the prefix within ${seconds} s.`
    );
  }
}
