import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { FlagCache } from '../../src/cache/flag-cache.js';
import type { FlagChange, StoredRecord } from '../../src/flags/flag.js';
import { aFlag } from '../support/flags.js';

/** What a contract run needs from one implementation, made fresh (and empty) for every test. */
export interface CacheUnderTest {
  cache: FlagCache;
  /** Closes the cache and removes its data. */
  cleanup(): Promise<void>;
}

const T = '2024-01-01T00:00:00.000Z';

export function flagAt(key: string, revision: number, isEnabled = true): StoredRecord {
  return aFlag(key, revision, { isEnabled, description: `r${revision}`, createdAt: T, updatedAt: T });
}

export const upsert = (key: string, revision: number, isEnabled = true): FlagChange => ({
  kind: 'upsert',
  key,
  revision,
  flag: flagAt(key, revision, isEnabled),
});

export const removal = (key: string, revision: number): FlagChange => ({
  kind: 'delete',
  key,
  revision,
  version: 1,
});

/** The behaviour every {@link FlagCache} promises; each implementation's test file runs it once. */
export function describeFlagCacheContract(name: string, factory: () => Promise<CacheUnderTest>): void {
  describe(`${name} (FlagCache contract)`, () => {
    let subject: CacheUnderTest;
    let cache: FlagCache;

    beforeEach(async () => {
      subject = await factory();
      cache = subject.cache;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    const keysOf = async () => (await cache.load())?.flags.map((flag) => `${flag.key}@${flag.revision}`);

    it('load answers null while nothing was ever filled', async () => {
      expect(await cache.load()).toBeNull();
    });

    it('fill then load answers every flag, sorted by key, with the revision', async () => {
      const flags = [flagAt('b', 3), flagAt('a.x', 1, false), flagAt('a', 2)];
      await cache.fill({ flags, revision: 5 });
      expect(await cache.load()).toEqual({
        flags: [flagAt('a', 2), flagAt('a.x', 1, false), flagAt('b', 3)],
        revision: 5,
      });
    });

    it('an empty fill loads as an empty set, not as nothing', async () => {
      await cache.fill({ flags: [], revision: 0 });
      expect(await cache.load()).toEqual({ flags: [], revision: 0 });
    });

    it('fill replaces the previous contents entirely', async () => {
      await cache.fill({ flags: [flagAt('old', 1), flagAt('kept', 2)], revision: 2 });
      await cache.apply(upsert('applied', 3));
      await cache.fill({ flags: [flagAt('kept', 2), flagAt('new', 4)], revision: 4 });
      expect(await cache.load()).toEqual({ flags: [flagAt('kept', 2), flagAt('new', 4)], revision: 4 });
    });

    it('apply of a newer change upserts or deletes the flag and raises the revision', async () => {
      await cache.fill({ flags: [flagAt('a', 1), flagAt('b', 2)], revision: 2 });
      await cache.apply(upsert('a', 3, false));
      await cache.apply(upsert('c', 4));
      await cache.apply(removal('b', 5));
      expect(await cache.load()).toEqual({ flags: [flagAt('a', 3, false), flagAt('c', 4)], revision: 5 });
    });

    it('apply of a change not newer than what the cache holds for the key is ignored', async () => {
      await cache.fill({ flags: [flagAt('a', 1)], revision: 1 });
      await cache.apply(upsert('a', 5));
      await cache.apply(upsert('a', 4, false));
      await cache.apply(upsert('a', 5, false));
      await cache.apply(removal('a', 3));
      expect(await cache.load()).toEqual({ flags: [flagAt('a', 5)], revision: 5 });
    });

    it('a delete leaves a tombstone: a late, older upsert does not bring the flag back', async () => {
      await cache.fill({ flags: [flagAt('a', 1)], revision: 1 });
      await cache.apply(removal('a', 4));
      await cache.apply(upsert('a', 3));
      expect(await cache.load()).toEqual({ flags: [], revision: 4 });
      await cache.apply(upsert('a', 6)); // re-created later: newer, so it wins
      expect(await keysOf()).toEqual(['a@6']);
    });

    it('a change at or below the filled revision is ignored: the fill already reflects it', async () => {
      await cache.fill({ flags: [flagAt('a', 2)], revision: 10 });
      await cache.apply(upsert('gone', 9)); // deleted by revision 10, or it would be in the fill
      await cache.apply(upsert('a', 10, false));
      expect(await cache.load()).toEqual({ flags: [flagAt('a', 2)], revision: 10 });
    });

    it('the revision stays the highest applied when changes arrive out of order', async () => {
      await cache.fill({ flags: [], revision: 10 });
      await cache.apply(upsert('b', 12));
      await cache.apply(upsert('a', 11));
      expect(await cache.load()).toEqual({ flags: [flagAt('a', 11), flagAt('b', 12)], revision: 12 });
    });

    it('apply before any fill leaves the cache empty: one flag must not pass for the whole set', async () => {
      await cache.apply(upsert('a', 1));
      await cache.apply(removal('b', 2));
      expect(await cache.load()).toBeNull();
    });
  });
}
