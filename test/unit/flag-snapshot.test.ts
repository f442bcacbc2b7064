import { describe, expect, it } from '@jest/globals';
import type { Flag, FlagChange } from '../../src/flags/flag.js';
import { FlagSnapshot, type SnapshotEvent } from '../../src/flags/flag-snapshot.js';

const flag = (key: string, revision: number, version = 1): Flag => ({
  key,
  isEnabled: true,
  description: '',
  version,
  revision,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const upsert = (f: Flag): FlagChange => ({ kind: 'upsert', key: f.key, revision: f.revision, flag: f });
const del = (key: string, revision: number): FlagChange => ({ kind: 'delete', key, revision, version: 1 });

describe('FlagSnapshot', () => {
  it('lists by prefix in key order', () => {
    const snapshot = new FlagSnapshot();
    snapshot.reset([flag('beta.b', 1), flag('alpha', 2), flag('beta.a', 3)], 3);
    expect(snapshot.list('beta').map((f) => f.key)).toEqual(['beta.a', 'beta.b']);
    expect(snapshot.list('').map((f) => f.key)).toEqual(['alpha', 'beta.a', 'beta.b']);
  });

  it('applies a newer change and ignores a duplicate or older one', () => {
    const snapshot = new FlagSnapshot();
    const events: SnapshotEvent[] = [];
    snapshot.subscribe((e) => events.push(e));
    expect(snapshot.apply(upsert(flag('a', 5, 2)))).toBe(true);
    expect(snapshot.apply(upsert(flag('a', 5, 2)))).toBe(false);
    expect(snapshot.apply(upsert(flag('a', 4, 1)))).toBe(false);
    expect(snapshot.get('a')?.version).toBe(2);
    expect(snapshot.currentRevision).toBe(5);
    expect(events).toHaveLength(1);
  });

  it('does not let a late upsert resurrect a flag deleted after it', () => {
    const snapshot = new FlagSnapshot();
    snapshot.apply(upsert(flag('a', 1)));
    snapshot.apply(del('a', 3));
    expect(snapshot.apply(upsert(flag('a', 2, 2)))).toBe(false);
    expect(snapshot.get('a')).toBeNull();
    // A re-creation after the delete is newer and applies.
    expect(snapshot.apply(upsert(flag('a', 4)))).toBe(true);
  });

  it('tells listeners when the whole view is replaced, with the difference as changes', () => {
    const snapshot = new FlagSnapshot();
    snapshot.reset([flag('same', 1), flag('changed', 2), flag('gone', 3)], 3);
    const events: SnapshotEvent[] = [];
    snapshot.subscribe((e) => events.push(e));
    snapshot.reset([flag('same', 1), flag('changed', 7, 2), flag('new', 8)], 9);
    expect(events).toEqual([
      {
        type: 'reset',
        revision: 9,
        changes: [
          upsert(flag('changed', 7, 2)),
          upsert(flag('new', 8)),
          { kind: 'delete', key: 'gone', revision: 9, version: 1 },
        ],
      },
    ]);
    expect(snapshot.currentRevision).toBe(9);
  });
});
