import type { RetentionHorizon } from '../audit/audit-log.js';
import { AppError } from '../errors.js';

/**
 * The moment asked for lies before what the audit history reaches (retention purged the entries that
 * would take the state back there, or the data predates the history), so no exact answer exists.
 * `details.oldestRevision` is the oldest revision that can be asked for; `details.oldestTime` the
 * oldest time (null when no entry is kept: then only revisions can be asked for).
 */
export class AsOfBeyondRetentionError extends AppError {
  constructor(asked: string, horizon: RetentionHorizon) {
    const oldestTime = horizon.oldest?.at ?? null;
    super(
      'AS_OF_BEYOND_RETENTION',
      `asOf ${asked} lies before the audit history kept: ask for revision ${horizon.purgedThrough} or later` +
        (oldestTime === null ? '' : `, or a time from ${oldestTime} on`),
      { oldestRevision: horizon.purgedThrough, oldestTime },
    );
  }
}

/** Taking the state back to the moment asked for would undo more changes than one read may. */
export class AsOfTooManyChangesError extends AppError {
  constructor(asked: string, maxChanges: number) {
    super(
      'AS_OF_TOO_MANY_CHANGES',
      `asOf ${asked} lies more than ${maxChanges} changes back (AS_OF_MAX_CHANGES): ask for a later moment`,
      { maxChanges },
    );
  }
}

/** An entry written before entries carried their records' bookkeeping: the history cannot go past it. */
export class IncompleteEntryError extends Error {
  override name = 'IncompleteEntryError';
  constructor(readonly revision: number) {
    super(`audit entry ${revision} lacks the record's revision and times`);
  }
}
