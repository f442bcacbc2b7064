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

/** Views of segments as they were (`asOf`): their GraphQL id carries the revision (segmentIdentity). */
const pastViews = new WeakSet<SegmentView>();

/** The view of `record`; `past` for a segment as it was at an earlier revision (`asOf`). */
export function segmentView(record: SegmentRecord, past = false): SegmentView {
  const view: SegmentView = {
    key: record.definition.key,
    version: record.version,
    revision: record.revision,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    definition: record.definition,
  };
  if (past) pastViews.add(view);
  return view;
}

/**
 * A segment's identity for normalised caches: its key; a segment as it was (`asOf`) adds
 * `#<revision of its last change>`, so it never overwrites the current one in a cache.
 */
export function segmentIdentity(view: SegmentView): string {
  return pastViews.has(view) ? `${view.key}#${view.revision}` : view.key;
}

/** Every segment the snapshot holds, as served, sorted by key; `past` as in {@link segmentView}. */
export function segmentViews(snapshot: FlagSnapshot, past = false): SegmentView[] {
  return [...snapshot.records('segment')].map((record) => segmentView(record, past)).sort(compareByKey);
}

/** The segment's own key from its store key (`$segment/beta` -> `beta`). */
export function segmentKeyOf(recordKey: string): string {
  return recordKey.slice(segmentRecordKey('').length);
}
