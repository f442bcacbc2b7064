import { describe, expect, it } from '@jest/globals';
import { WriteRateLimiter } from '../../src/auth/write-rate-limiter.js';

const alice = { scope: 'admin' as const, id: 'alice', name: 'alice' };
const bob = { scope: 'admin' as const, id: 'bob', name: 'bob' };

describe('WriteRateLimiter', () => {
  it('allows the burst, then refuses with RATE_LIMITED until the rate refills a write', () => {
    let now = 0;
    const limiter = new WriteRateLimiter(60, 3, () => now); // one write a second, three at once
    for (let i = 0; i < 3; i++) limiter.take(alice);
    expect(() => limiter.take(alice)).toThrow(
      expect.objectContaining({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } }),
    );
    now += 999;
    expect(() => limiter.take(alice)).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    now += 2;
    expect(() => limiter.take(alice)).not.toThrow();
  });

  it('keeps one bucket per token', () => {
    const limiter = new WriteRateLimiter(60, 1, () => 0);
    limiter.take(alice);
    expect(() => limiter.take(alice)).toThrow();
    expect(() => limiter.take(bob)).not.toThrow();
  });

  it('never holds more than the burst, however long a token was idle', () => {
    let now = 0;
    const limiter = new WriteRateLimiter(60, 2, () => now);
    now += 3_600_000;
    limiter.take(alice);
    limiter.take(alice);
    expect(() => limiter.take(alice)).toThrow();
  });
});
