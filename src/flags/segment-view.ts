import type { Segment } from '@flagwire/core';
import { compareByKey, type SegmentRecord, segmentRecordKey } from './flag.js';
import type { FlagSnapshot } from './flag-snapshot.js';

/**
 * A segment as REST, SSE and GraphQL serve it: its own key (not the store key), the bookkeeping, and
 * the document with every default filled in (what a client evaluates `segmentMatch` with). Segments
 * are shared by every environment, so there is one view for every reader. Field order is fixed:
 * bodies, and so ETags, are identical on every instance.
 */
export interface SegmentView {
  readonly key: string;
  readonly version: number;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly definition: Segment;
}

export function segmentView(record: SegmentRecord): SegmentView {
  return {
    key: record.definition.key,
    version: record.version,
    revision: record.revision,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    definition: record.definition,
  };
}

/** Every segment the snapshot holds, as served, sorted by key. */
export function segmentViews(snapshot: FlagSnapshot): SegmentView[] {
  return [...snapshot.records('segment')].map(segmentView).sort(compareByKey);
}

/** The segment's own key from its store key (`$segment/beta` -> `beta`). */
export function segmentKeyOf(recordKey: string): string {
  return recordKey.slice(segmentRecordKey('').length);
}
