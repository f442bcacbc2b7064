import { describe, expect, it } from '@jest/globals';
import { FlagSnapshot, type SnapshotEvent } from '../../src/flags/flag-snapshot.js';
import { aFlag, deleteOf, upsertOf } from '../support/flags.js';

describe('FlagSnapshot', () => {
  it('lists by prefix in key order', () => {
    const snapshot = new FlagSnapshot();
    snapshot.reset([aFlag('beta.b', 1), aFlag('alpha', 2), aFlag('beta.a', 3)], 3);
    expect(snapshot.list('beta').map((f) => f.key)).toEqual(['beta.a', 'beta.b']);
    expect(snapshot.list('').map((f) => f.key)).toEqual(['alpha', 'beta.a', 'beta.b']);
  });

  it('applies a newer change and ignores a duplicate or older one', () => {
    const snapshot = new FlagSnapshot();
    const events: SnapshotEvent[] = [];
    snapshot.subscribe((e) => events.push(e));
    expect(snapshot.apply(upsertOf(aFlag('a', 5, { version: 2 })))).toBe(true);
    expect(snapshot.apply(upsertOf(aFlag('a', 5, { version: 2 })))).toBe(false);
    expect(snapshot.apply(upsertOf(aFlag('a', 4, { version: 1 })))).toBe(false);
    expect(snapshot.get('a')?.version).toBe(2);
    expect(snapshot.currentRevision).toBe(5);
    expect(events).toHaveLength(1);
  });

  it('does not let a late upsert resurrect a flag deleted after it', () => {
    const snapshot = new FlagSnapshot();
    snapshot.apply(upsertOf(aFlag('a', 1)));
    snapshot.apply(deleteOf('a', 3));
    expect(snapshot.apply(upsertOf(aFlag('a', 2, { version: 2 })))).toBe(false);
    expect(snapshot.get('a')).toBeNull();
    // A re-creation after the delete is newer and applies.
    expect(snapshot.apply(upsertOf(aFlag('a', 4)))).toBe(true);
  });

  it('tells listeners when the whole view is replaced, with the difference as changes', () => {
    const snapshot = new FlagSnapshot();
    snapshot.reset([aFlag('same', 1), aFlag('changed', 2), aFlag('gone', 3)], 3);
    const events: SnapshotEvent[] = [];
    snapshot.subscribe((e) => events.push(e));
    snapshot.reset([aFlag('same', 1), aFlag('changed', 7, { version: 2 }), aFlag('new', 8)], 9);
    expect(events).toEqual([
      {
        type: 'reset',
        revision: 9,
        changes: [
          upsertOf(aFlag('changed', 7, { version: 2 })),
          upsertOf(aFlag('new', 8)),
          { kind: 'delete', key: 'gone', revision: 9, version: 1 },
        ],
      },
    ]);
    expect(snapshot.currentRevision).toBe(9);
  });
});
