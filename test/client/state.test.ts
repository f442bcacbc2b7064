import { describe, expect, it } from '@jest/globals';
import { Backoff } from '../../client/src/backoff.js';
import { FlagState } from '../../client/src/state.js';
import type { Flag, FlagChange } from '../../client/src/types.js';

const flag = (key: string, revision: number, isEnabled = true, version = 1): Flag => ({
  key,
  isEnabled,
  description: '',
  version,
  revision,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const upsert = (f: Flag): FlagChange => ({ kind: 'upsert', key: f.key, revision: f.revision, flag: f });
const remove = (key: string, revision: number): FlagChange => ({ kind: 'delete', key, revision, version: 1 });

describe('FlagState', () => {
  it('keeps, per key, the change with the highest revision and ignores older or repeated ones', () => {
    const state = new FlagState();
    state.replace([], 0);
    expect(state.apply(upsert(flag('a', 5, true, 2)))).toMatchObject({ kind: 'upsert', revision: 5 });
    expect(state.apply(upsert(flag('a', 4, false, 1)))).toBeUndefined();
    expect(state.apply(upsert(flag('a', 5, true, 2)))).toBeUndefined();
    expect(state.get('a')?.revision).toBe(5);
    expect(state.lastRevision).toBe(5);
  });

  it('does not bring back a deleted flag for an older upsert that arrives late', () => {
    const state = new FlagState();
    state.replace([flag('a', 1)], 1);
    expect(state.apply(remove('a', 3))).toMatchObject({ kind: 'delete', key: 'a', revision: 3 });
    expect(state.apply(upsert(flag('a', 2)))).toBeUndefined();
    expect(state.get('a')).toBeUndefined();
    expect(state.apply(upsert(flag('a', 4)))).toMatchObject({ kind: 'upsert' });
  });

  it('ignores changes at or below the revision a snapshot was complete at, even for keys it lacks', () => {
    const state = new FlagState();
    state.replace([flag('a', 3)], 10);
    expect(state.apply(upsert(flag('b', 7)))).toBeUndefined(); // created and deleted before the snapshot
    expect(state.apply(upsert(flag('b', 11)))).toMatchObject({ kind: 'upsert' });
  });

  it('replace() reports only the differences: new, changed and removed flags', () => {
    const state = new FlagState();
    expect(state.isFull).toBe(false);
    expect(state.replace([flag('a', 1), flag('b', 2)], 2).map((d) => [d.kind, d.key])).toEqual([
      ['upsert', 'a'],
      ['upsert', 'b'],
    ]);
    expect(state.isFull).toBe(true);
    const diffs = state.replace([flag('a', 1), flag('b', 4, false, 2), flag('c', 5)], 6);
    expect(diffs.map((d) => [d.kind, d.key])).toEqual([
      ['upsert', 'b'],
      ['upsert', 'c'],
    ]);
    expect(diffs[0]?.previous).toEqual(flag('b', 2));
    expect(state.replace([flag('c', 5)], 7)).toEqual([
      { kind: 'delete', key: 'a', previous: flag('a', 1), revision: 7 },
      { kind: 'delete', key: 'b', previous: flag('b', 4, false, 2), revision: 7 },
    ]);
  });

  it('replace() re-applies journaled changes newer than a query answer, and drops older ones', () => {
    const state = new FlagState();
    // Events seen on the subscription while the query was being answered.
    const journal = [upsert(flag('a', 9, false, 2)), remove('b', 8), upsert(flag('c', 3))];
    // The answer was read before a@9 and b's delete@8, after c@3 (and c's later delete@5).
    const diffs = state.replace([flag('a', 6), flag('b', 7)], 7, journal);
    expect(state.list()).toEqual([flag('a', 9, false, 2)]);
    expect(diffs.map((d) => [d.kind, d.key])).toEqual([['upsert', 'a']]);
    expect(state.lastRevision).toBe(9);
  });

  it("keeps a flag's definition, the same object, while the flag is unchanged, and makes a new one when it changes", () => {
    const state = new FlagState();
    state.replace([flag('a', 1), flag('b', 2)], 2);
    const a = state.definition('a');
    const b = state.definition('b');
    expect(a).toMatchObject({ key: 'a', type: 'boolean', environments: { production: { enabled: true } } });
    // A poll's 200 (or a snapshot) re-sends the unchanged a beside the changed b.
    state.replace([flag('a', 1), flag('b', 3, false, 2)], 3);
    expect(state.definition('a')).toBe(a);
    expect(state.definition('b')).not.toBe(b);
    expect(state.definition('b')?.environments.production?.enabled).toBe(false);
    state.apply(upsert(flag('a', 4, false, 2)));
    expect(state.definition('a')).not.toBe(a);
    expect(state.definition('a')?.environments.production?.enabled).toBe(false);
    state.apply(remove('a', 5));
    expect(state.definition('a')).toBeUndefined();
  });

  it('lists flags sorted by key', () => {
    const state = new FlagState();
    state.replace([flag('b', 1), flag('a', 2), flag('B', 3)], 3);
    expect(state.list().map((f) => f.key)).toEqual(['B', 'a', 'b']);
  });
});

describe('Backoff', () => {
  it('waits a random time below initial * 2^attempt (full jitter), capped at the maximum', () => {
    const top = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(() => top.next())).toEqual([99, 199, 399, 799, 999, 999]);
    const bottom = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0);
    expect(bottom.next()).toBe(0);
  });

  it('starts again from the initial delay after reset()', () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0.5);
    backoff.next();
    backoff.next();
    expect(backoff.next()).toBe(200);
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });

  it('does not overflow after very many attempts', () => {
    const backoff = new Backoff({ initialDelayMs: 500, maxDelayMs: 30_000 }, () => 0.5);
    for (let i = 0; i < 10_000; i++) backoff.next();
    expect(backoff.next()).toBe(15_000);
  });
});
