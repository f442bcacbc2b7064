import { AppError } from '../errors.js';
import type { Principal } from './access-control.js';

/** The most principals tracked at once; past it the longest-idle ones are forgotten (they start full). */
const MAX_TRACKED = 10_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per principal: `burst` writes at once, refilled at `perMinute`. Whoever can flip a
 * flag can change what every user sees; a leaked token or a runaway script must not be able to flip
 * flags thousands of times a second. Memory is bounded by {@link MAX_TRACKED}.
 */
export class WriteRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one write for `principal`, or throws RATE_LIMITED saying when to retry. */
  take(principal: Principal): void {
    const now = this.now();
    const bucket = this.buckets.get(principal.id) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    this.buckets.delete(principal.id);
    this.buckets.set(principal.id, bucket); // most recently used last
    if (this.buckets.size > MAX_TRACKED) {
      const idlest = this.buckets.keys().next();
      if (!idlest.done) this.buckets.delete(idlest.value);
    }
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / this.perMs / 1000);
      throw new AppError('RATE_LIMITED', `Too many writes with this token; retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
    bucket.tokens -= 1;
  }
}
