import { TokenRateLimiter } from './token-rate-limiter.js';

/**
 * Writes per token: whoever can flip a flag can change what every user sees; a leaked token or a
 * runaway script must not be able to flip flags thousands of times a second.
 */
export class WriteRateLimiter extends TokenRateLimiter {
  constructor(perMinute: number, burst: number, now?: () => number) {
    super(perMinute, burst, 'writes', now);
  }
}
