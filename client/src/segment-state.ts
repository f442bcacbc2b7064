import type { Segment as SegmentDefinition } from '@flagwire/core';
import type { Segment, SegmentChange } from './types.js';

/** One difference in the client's segments after an update. */
export interface SegmentDiff {
  readonly kind: 'upsert' | 'delete';
  readonly key: string;
  /** The segment as it is now; absent for a delete. */
  readonly segment?: Segment;
  readonly revision: number;
}

/**
 * Every segment the server holds, for local evaluation's `segmentMatch`. Ordered by revision exactly
 * like the flags (state.ts): a change applies only when its revision is above what is held for its key
 * (the segment's revision, its delete's, and the revision the last full list was complete at), so
 * replays and late events never move a segment backwards. Each definition stays the same object until
 * the segment changes: the evaluator compiles a segment once per object.
 */
export class SegmentState {
  private segments = new Map<string, Segment>();
  private tombstones = new Map<string, number>();
  private floor = 0;
  private revision = 0;

  /** The highest revision this view reflects. */
  get lastRevision(): number {
    return this.revision;
  }

  get size(): number {
    return this.segments.size;
  }

  /** The definition `segmentMatch` reads for `key`, or undefined (an unknown segment matches nobody). */
  definition(key: string): SegmentDefinition | undefined {
    return this.segments.get(key)?.definition;
  }

  /** Every segment held, sorted by key. */
  list(): Segment[] {
    return [...this.segments.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Applies one change unless it is not newer than what is held for its key; returns whether it did. */
  apply(change: SegmentChange): boolean {
    const held = Math.max(
      this.floor,
      this.segments.get(change.key)?.revision ?? 0,
      this.tombstones.get(change.key) ?? 0,
    );
    if (change.revision <= held) return false;
    if (change.kind === 'upsert') {
      this.segments.set(change.key, change.segment);
      this.tombstones.delete(change.key);
    } else {
      this.segments.delete(change.key);
      this.tombstones.set(change.key, change.revision);
    }
    this.revision = Math.max(this.revision, change.revision);
    return true;
  }

  /**
   * Replaces every segment with `segments`, a complete list reflecting every change up to `asOf`, then
   * re-applies `replay` (changes that may be newer, received while it was read). A segment the list
   * holds unchanged (same revision) keeps its object. Returns the differences from before.
   */
  replace(segments: readonly Segment[], asOf: number, replay: Iterable<SegmentChange> = []): SegmentDiff[] {
    const before = this.segments;
    this.segments = new Map(
      segments.map((segment) => {
        const held = before.get(segment.key);
        return [segment.key, held && held.revision === segment.revision ? held : segment];
      }),
    );
    this.tombstones = new Map();
    this.floor = asOf;
    this.revision = asOf;
    for (const segment of segments) this.revision = Math.max(this.revision, segment.revision);
    for (const change of replay) this.apply(change);
    const diffs: SegmentDiff[] = [];
    for (const [key, segment] of this.segments) {
      if (before.get(key) !== segment)
        diffs.push({ kind: 'upsert', key, segment, revision: segment.revision });
    }
    for (const key of before.keys()) {
      if (!this.segments.has(key))
        diffs.push({ kind: 'delete', key, revision: this.tombstones.get(key) ?? this.revision });
    }
    return diffs;
  }
}
