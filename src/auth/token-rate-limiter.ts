import { AppError } from '../errors.js';
import type { Principal } from './access-control.js';

/** The most principals tracked at once; past it the longest-idle ones are forgotten (they start full). */
const MAX_TRACKED = 10_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per principal: `burst` requests at once, refilled at `perMinute`. Memory is bounded by
 * {@link MAX_TRACKED}. What is counted (writes, evaluations) is the caller's; `what` names it in the
 * RATE_LIMITED message.
 */
export class TokenRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    perMinute: number,
    private readonly burst: number,
    private readonly what: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one request for `principal`, or throws RATE_LIMITED with `retryAfterSeconds`. */
  take(principal: Principal): void {
    const now = this.now();
    let bucket = this.buckets.get(principal.id);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(principal.id, bucket);
      if (this.buckets.size > MAX_TRACKED) {
        const idlest = this.buckets.keys().next();
        if (!idlest.done) this.buckets.delete(idlest.value);
      }
    } else if (this.buckets.size > 1) {
      this.buckets.delete(principal.id);
      this.buckets.set(principal.id, bucket); // most recently used last
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.ceil((1 - bucket.tokens) / this.perMs / 1000);
      throw new AppError(
        'RATE_LIMITED',
        `Too many ${this.what} with this token; retry in ${retryAfterSeconds} s`,
        { retryAfterSeconds },
      );
    }
    bucket.tokens -= 1;
  }
}
