import { it } from '@jest/globals';

type TestFn = Parameters<typeof it>[1];

/**
 * `it` when `runs`, otherwise `it.skip` with `reason` appended to the name, so a run that cannot
 * exercise a test (no server of its own to stop or freeze) reports it as skipped, with why, instead of
 * passing it with no assertion.
 */
export function itWhen(runs: boolean, reason: string) {
  return (name: string, fn: TestFn, timeout?: number): void => {
    if (runs) it(name, fn, timeout);
    else it.skip(`${name} [skipped: ${reason}]`, fn, timeout);
  };
}

/** For tests that stop or restart Redis: they need the redis-server the harness starts, not REDIS_URL's. */
export const itWithOwnRedis = itWhen(
  !process.env.REDIS_URL?.trim(),
  'REDIS_URL names a Redis this harness cannot stop; unset it to run',
);

/** For tests that freeze MongoDB: they need the stand-in the harness starts, not MONGODB_URI's server. */
export const itWithOwnMongo = itWhen(
  !process.env.MONGODB_URI?.trim(),
  'MONGODB_URI names a MongoDB this harness cannot freeze; unset it to run',
);
