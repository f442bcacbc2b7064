/** Bounds of an exponential backoff. */
export interface BackoffOptions {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter: attempt n (from 0) waits a random time in
 * [0, min(maxDelayMs, initialDelayMs * 2^n)), so clients that lost the same server spread out
 * instead of coming back in waves.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call counts one more attempt. */
  next(): number {
    const ceiling = Math.min(
      this.options.maxDelayMs,
      this.options.initialDelayMs * 2 ** Math.min(this.attempt, 30),
    );
    this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  /** After a success: the next failure starts again from the initial delay. */
  reset(): void {
    this.attempt = 0;
  }
}
