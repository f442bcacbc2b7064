import { describe, expect, it } from '@jest/globals';
import { SettleHorizon } from '../../src/flags/store/settle-horizon.js';

describe('the settle horizon of a store whose writers take revisions before they commit', () => {
  it('settles what the counter held once twice the timeout has passed since it was read', () => {
    const horizon = new SettleHorizon(1000);
    horizon.observe(10, 0);
    expect(horizon.settledThrough(1999)).toBe(0);
    expect(horizon.settledThrough(2000)).toBe(10);
    horizon.observe(15, 1500);
    expect(horizon.settledThrough(3000)).toBe(10);
    expect(horizon.settledThrough(3500)).toBe(15);
  });

  it('vouches for the revisions below an entry only once it is older than the window plus clock skew', () => {
    const horizon = new SettleHorizon(1000, 5000);
    expect(horizon.vouchesBelow(0, 6999)).toBe(false);
    expect(horizon.vouchesBelow(0, 7000)).toBe(true);
  });

  it('keeps a bounded number of samples, and never forgets the best proof it has', () => {
    const horizon = new SettleHorizon(1000);
    for (let t = 0; t < 100_000; t += 10) horizon.observe(t, t);
    expect(horizon.settledThrough(100_000)).toBe(98_000);
  });
});
