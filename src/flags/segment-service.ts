import { type Segment, validateSegment } from '@flagwire/core';
import type { Attribution } from '../audit/attribution.js';
import { orThrow } from './definition-validation.js';
import {
  SegmentAlreadyExistsError,
  SegmentInUseError,
  SegmentNotFoundError,
  ValidationError,
  VersionMismatchError,
  WriteConflictError,
} from './errors.js';
import { type FlagChange, type SegmentRecord, type StoredRecord, segmentRecordKey } from './flag.js';
import { type ChangePublisher, note, type ReplaceGuard } from './flag-service.js';
import type { RecordCatalog } from './record-catalog.js';
import { flagsUsingSegment } from './segment-usage.js';
import type { FlagStore } from './store/flag-store.js';
import { assertValidExpectedVersion, assertValidKey } from './validation.js';

export interface DeletedSegment {
  /** The segment's key (not its store key). */
  key: string;
  /** The version the segment had when it was deleted. */
  version: number;
  revision: number;
}

const NOUN = 'Segment';

/**
 * Every write to segments: validation (`validateSegment`, 400 naming the path), the version guard,
 * and one published change per committed write, through the same store and publisher as flags, so a
 * segment change reaches every instance, cache and stream exactly like a flag change. Segments are
 * stored under {@link segmentRecordKey}; callers speak of them by their own key.
 */
export class SegmentService {
  constructor(
    private readonly store: FlagStore,
    private readonly changes: ChangePublisher,
    private readonly catalog: RecordCatalog,
    private readonly maxAttempts = 5,
  ) {}

  /** The segment as the store has it now (write preconditions must not trust a cached view). */
  async current(key: string): Promise<SegmentRecord | null> {
    assertValidKey(key);
    return asSegment(await this.store.get(segmentRecordKey(key)));
  }

  /** Creates a segment from its document; SEGMENT_ALREADY_EXISTS when the key is taken. */
  async create(by: Attribution, input: unknown): Promise<SegmentRecord> {
    const definition = orThrow(validateSegment(input));
    const result = await this.store.insert(
      segmentRecordKey(definition.key),
      { kind: 'segment', definition },
      note(by, 'segment-create'),
    );
    if (result.status === 'exists') throw new SegmentAlreadyExistsError(definition.key);
    return this.committed(result.change);
  }

  /**
   * Writes a whole segment (`PUT /segments/{key}`): creates it when absent (unless the guard says it
   * must exist), else replaces it. The document's `key` may be left out; given, it must be `key`.
   */
  async replace(
    by: Attribution,
    key: string,
    input: unknown,
    guard: ReplaceGuard = {},
  ): Promise<{ segment: SegmentRecord; created: boolean }> {
    assertValidKey(key);
    assertValidExpectedVersion(guard.expectedVersion);
    const definition = validSegment(key, input);
    const recordKey = segmentRecordKey(key);
    const conditional = guard.expectedVersion !== undefined;
    const attempts = conditional ? 1 : this.maxAttempts;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = asSegment(await this.store.get(recordKey));
      if (!current) {
        if (conditional || guard.mustExist) throw new SegmentNotFoundError(key);
        const inserted = await this.store.insert(
          recordKey,
          { kind: 'segment', definition },
          note(by, 'segment-create'),
        );
        if (inserted.status === 'ok')
          return { segment: await this.committed(inserted.change), created: true };
        continue; // created by someone else in between: replace theirs
      }
      if (conditional && current.version !== guard.expectedVersion) {
        throw new VersionMismatchError(key, guard.expectedVersion as number, current.version, NOUN);
      }
      const result = await this.store.update(
        recordKey,
        current.version,
        { kind: 'segment', definition },
        note(by, 'segment-replace'),
      );
      if (result.status === 'ok') return { segment: await this.committed(result.change), created: false };
      if (conditional && result.status === 'stale')
        throw new VersionMismatchError(key, guard.expectedVersion as number, result.currentVersion, NOUN);
    }
    throw new WriteConflictError(key, this.maxAttempts, NOUN);
  }

  /**
   * Deletes a segment. Refused with SEGMENT_IN_USE while a flag's rules (in any environment) name it:
   * the flags it lists must drop the clause first. The check reads this instance's snapshot; a flag
   * written elsewhere in the same instant can slip past it, and then matches nobody for that segment
   * (the evaluator treats an unknown segment as empty), never fails.
   */
  async remove(by: Attribution, key: string, expectedVersion?: number): Promise<DeletedSegment> {
    assertValidKey(key);
    assertValidExpectedVersion(expectedVersion);
    const users = flagsUsingSegment(this.catalog, key);
    if (users.length > 0) throw new SegmentInUseError(key, users);
    const result = await this.store.remove(
      segmentRecordKey(key),
      expectedVersion,
      note(by, 'segment-delete'),
    );
    if (result.status === 'missing') throw new SegmentNotFoundError(key);
    if (result.status === 'stale')
      throw new VersionMismatchError(key, expectedVersion ?? 0, result.currentVersion, NOUN);
    const { change } = result;
    if (change.kind !== 'delete') throw new Error('store answered a delete with an upsert');
    await this.changes.publish(change);
    return { key, version: change.version, revision: change.revision };
  }

  private async committed(change: FlagChange): Promise<SegmentRecord> {
    if (change.kind !== 'upsert' || change.flag.kind !== 'segment')
      throw new Error('store answered a segment write with something else');
    await this.changes.publish(change);
    return change.flag;
  }
}

/** A segment key holds a segment record; anything else there is a broken store. */
function asSegment(record: StoredRecord | null): SegmentRecord | null {
  if (record && record.kind !== 'segment') throw new Error(`store holds a ${record.kind} at a segment key`);
  return record;
}

/** The segment document for `key`, its `key` filled in from the URL when left out. */
function validSegment(key: string, input: unknown): Segment {
  const document =
    typeof input === 'object' && input !== null && !Array.isArray(input) && !Object.hasOwn(input, 'key')
      ? { key, ...input }
      : input;
  const segment = orThrow(validateSegment(document));
  if (segment.key !== key) {
    throw new ValidationError(`key: must be '${key}', the key in the URL (got '${segment.key}')`, {
      field: 'key',
      issues: [{ path: 'key', message: `must be '${key}', the key in the URL`, code: 'KEY_MISMATCH' }],
    });
  }
  return segment;
}
