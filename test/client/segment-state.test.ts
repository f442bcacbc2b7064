import { describe, expect, it } from '@jest/globals';
import { SegmentState } from '../../client/src/segment-state.js';
import type { Segment } from '../../client/src/types.js';

function aSegment(key: string, revision: number, included: string[] = []): Segment {
  return {
    key,
    version: 1,
    revision,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    definition: { key, description: '', included, excluded: [], rules: [] },
  };
}

describe('client SegmentState (ordered by revision, like the flags)', () => {
  it('applies a change only when newer than what is held for its key, deletes included', () => {
    const state = new SegmentState();
    state.replace([aSegment('beta', 5, ['a'])], 5);
    expect(
      state.apply({ kind: 'upsert', key: 'beta', revision: 4, segment: aSegment('beta', 4, ['old']) }),
    ).toBe(false);
    expect(state.definition('beta')?.included).toEqual(['a']);
    expect(state.apply({ kind: 'delete', key: 'beta', revision: 7, version: 1 })).toBe(true);
    expect(state.definition('beta')).toBeUndefined();
    // A late upsert from before the delete cannot bring it back.
    expect(state.apply({ kind: 'upsert', key: 'beta', revision: 6, segment: aSegment('beta', 6) })).toBe(
      false,
    );
    expect(state.lastRevision).toBe(7);
  });

  it('replace keeps the held object of an unchanged segment (compiled once) and reports only differences', () => {
    const state = new SegmentState();
    const held = aSegment('same', 2);
    state.replace([held, aSegment('gone', 3)], 3);
    const diffs = state.replace([aSegment('same', 2), aSegment('new', 9)], 9);
    expect(state.definition('same')).toBe(held.definition);
    expect(diffs.map((diff) => [diff.kind, diff.key])).toEqual([
      ['upsert', 'new'],
      ['delete', 'gone'],
    ]);
  });
});
