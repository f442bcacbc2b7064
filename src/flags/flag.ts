import type { Environment, FlagDefinition, Segment } from '@flagwire/core';

/**
 * What the store keeps: flag definitions, and beside them in the same keyspace the segments and
 * environments flags refer to (under reserved keys no flag can take: {@link segmentRecordKey},
 * {@link environmentRecordKey}). One keyspace means one revision counter, one change log, one feed and
 * one snapshot for all three, so a segment change reaches every reader exactly like a flag change.
 */
export type RecordBody =
  | { readonly kind: 'flag'; readonly definition: FlagDefinition }
  | { readonly kind: 'segment'; readonly definition: Segment }
  | { readonly kind: 'environment'; readonly definition: Environment };
export type RecordKind = RecordBody['kind'];

/** Bookkeeping every record carries. Timestamps are ISO-8601 strings in UTC. */
interface RecordMeta {
  readonly key: string;
  /** Starts at 1 and grows by one on every change to this record. */
  readonly version: number;
  /** The global revision of this record's latest change (see {@link FlagChange}). */
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type FlagRecord = RecordMeta & Extract<RecordBody, { kind: 'flag' }>;
export type SegmentRecord = RecordMeta & Extract<RecordBody, { kind: 'segment' }>;
export type EnvironmentRecord = RecordMeta & Extract<RecordBody, { kind: 'environment' }>;
/** A stored record of any kind, as the store, the cache, the feed and the snapshot hold it. */
export type StoredRecord = FlagRecord | SegmentRecord | EnvironmentRecord;

/** What a writer controls: the body. */
export type FlagFields = RecordBody;

const SEGMENT_PREFIX = '$segment/';
const ENVIRONMENT_PREFIX = '$environment/';

/** The store key of a segment: `$` cannot start a flag key, so no flag can collide with it. */
export function segmentRecordKey(segmentKey: string): string {
  return SEGMENT_PREFIX + segmentKey;
}
export function environmentRecordKey(environmentKey: string): string {
  return ENVIRONMENT_PREFIX + environmentKey;
}

/** The key a record's own API names it by: a segment's or environment's key without its prefix. */
export function ownKeyOf(recordKey: string): string {
  if (recordKey.startsWith(SEGMENT_PREFIX)) return recordKey.slice(SEGMENT_PREFIX.length);
  if (recordKey.startsWith(ENVIRONMENT_PREFIX)) return recordKey.slice(ENVIRONMENT_PREFIX.length);
  return recordKey;
}

/** The store key of a record of `kind` whose own key is `key` (the inverse of {@link ownKeyOf}). */
export function recordKeyOf(kind: RecordKind, key: string): string {
  return kind === 'segment'
    ? segmentRecordKey(key)
    : kind === 'environment'
      ? environmentRecordKey(key)
      : key;
}

/** Which kind of record a store key holds. */
export function kindOfKey(key: string): RecordKind {
  if (key.startsWith(SEGMENT_PREFIX)) return 'segment';
  if (key.startsWith(ENVIRONMENT_PREFIX)) return 'environment';
  return 'flag';
}

/** A reserved key never matches a flag prefix: valid prefixes start with a letter or digit or are ''. */
export function isFlagKey(key: string): boolean {
  return !key.startsWith('$');
}

/**
 * One committed change. `revision` comes from a counter shared by every instance using the same store:
 * it only grows, so a listener that sees it jump knows it missed something. Revisions are unique but
 * may have holes (a MongoDB write that loses its version race has already taken one).
 */
export type FlagChange =
  | { readonly kind: 'upsert'; readonly key: string; readonly revision: number; readonly flag: StoredRecord }
  | { readonly kind: 'delete'; readonly key: string; readonly revision: number; readonly version: number };

/** Deterministic order for every listing: by key, in code-unit order (locale-independent). */
export function compareByKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * The records whose key starts with `prefix`, sorted by key. `''` means every record, reserved ones
 * included (loading, persistence); readers of flags use {@link listFlags}.
 */
export function listByPrefix(records: Iterable<StoredRecord>, prefix: string): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const record of records) if (record.key.startsWith(prefix)) out.push(record);
  return out.sort(compareByKey);
}

/** The flags (no segments or environments) whose key starts with `prefix`, sorted by key. */
export function listFlags(records: Iterable<StoredRecord>, prefix: string): FlagRecord[] {
  const out: FlagRecord[] = [];
  for (const record of records) if (record.kind === 'flag' && record.key.startsWith(prefix)) out.push(record);
  return out.sort(compareByKey);
}

/** Only the body of `fields` (callers may pass objects with extra properties, e.g. a whole record). */
export function bodyOf(fields: RecordBody): RecordBody {
  return { kind: fields.kind, definition: fields.definition } as RecordBody;
}
