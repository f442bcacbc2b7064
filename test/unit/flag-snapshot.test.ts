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

  it('keeps its revision when a late change for another key arrives', () => {
    const snapshot = new FlagSnapshot();
    snapshot.apply(upsertOf(aFlag('a', 5)));
    expect(snapshot.apply(upsertOf(aFlag('b', 3)))).toBe(true);
    expect(snapshot.get('b')).not.toBeNull();
    expect(snapshot.currentRevision).toBe(5);
    expect(snapshot.apply(deleteOf('a', 6))).toBe(true);
    expect(snapshot.currentRevision).toBe(6);
    expect(snapshot.size).toBe(1);
  });

  it('lists the difference of a reset in revision order, deletes at the reset revision last', () => {
    const snapshot = new FlagSnapshot();
    snapshot.reset([aFlag('gone', 1), aFlag('a', 2)], 2);
    const events: SnapshotEvent[] = [];
    snapshot.subscribe((e) => events.push(e));
    // Keys in one order, revisions in the other.
    snapshot.reset([aFlag('a', 2), aFlag('b', 9), aFlag('c', 4), aFlag('d', 6)], 10);
    const [event] = events;
    expect(event?.type === 'reset' && event.changes.map((c) => `${c.kind}:${c.key}@${c.revision}`)).toEqual([
      'upsert:c@4',
      'upsert:d@6',
      'upsert:b@9',
      'delete:gone@10',
    ]);
  });

  it('stops telling a listener once it unsubscribes', () => {
    const snapshot = new FlagSnapshot();
    const events: SnapshotEvent[] = [];
    const unsubscribe = snapshot.subscribe((e) => events.push(e));
    snapshot.apply(upsertOf(aFlag('a', 1)));
    unsubscribe();
    snapshot.apply(upsertOf(aFlag('b', 2)));
    snapshot.reset([], 3);
    expect(events).toHaveLength(1);
  });

  it('remembers the latest 10,000 deletes, so only a delete older than those can be resurrected by a late upsert', () => {
    const snapshot = new FlagSnapshot();
    let revision = 0;
    const keys = Array.from({ length: 10_001 }, (_, i) => `k${i}`);
    for (const key of keys.slice(0, 10_000)) snapshot.apply(deleteOf(key, ++revision));
    // Deleting k0 again (a newer delete) makes it the latest remembered one.
    snapshot.apply(deleteOf('k0', ++revision));
    // One delete too many: the oldest remembered (k1, not k0) is forgotten.
    snapshot.apply(deleteOf(keys[10_000] as string, ++revision));
    expect(snapshot.apply(upsertOf(aFlag('k0', 1)))).toBe(false);
    expect(snapshot.apply(upsertOf(aFlag('k2', 3)))).toBe(false);
    expect(snapshot.apply(upsertOf(aFlag('k1', 2)))).toBe(true);
  });

  it('remembers exactly 10,000 deletes without forgetting any', () => {
    const snapshot = new FlagSnapshot();
    for (let i = 1; i <= 10_000; i++) snapshot.apply(deleteOf(`k${i}`, i));
    expect(snapshot.apply(upsertOf(aFlag('k1', 1)))).toBe(false);
  });
});
