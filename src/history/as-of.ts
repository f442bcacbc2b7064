import { timeOf } from '../audit/audit-query.js';
import { ValidationError } from '../flags/errors.js';

/**
 * A moment to read the flags as of: a revision (the state right after the change with that revision
 * committed, or as it stood there if none did), or an ISO-8601 time (the state at the last revision
 * whose change committed at or before it).
 */
export type AsOf = { readonly revision: number } | { readonly time: string };

/** The response header naming the revision an `asOf` read answers for (REST, OFREP). */
export const AS_OF_REVISION_HEADER = 'Flagwire-As-Of-Revision';

/**
 * `asOf` as a request gives it: all digits is a revision, anything else must be an ISO-8601 date
 * (`2025-01-31`, midnight UTC) or date-time with its offset (`2025-01-31T14:02:00Z`), normalised to UTC.
 * VALIDATION_FAILED naming `field` otherwise.
 */
export function parseAsOf(text: string, field = 'asOf'): AsOf {
  if (/^[0-9]+$/.test(text)) {
    const revision = Number(text);
    if (!Number.isSafeInteger(revision))
      throw new ValidationError(`'${field}' is not a revision this service can have reached`, { field });
    return { revision };
  }
  return { time: timeOf(text, field) as string };
}

/** How an error message names the moment asked for. */
export function describeAsOf(asOf: AsOf): string {
  return 'revision' in asOf ? `revision ${asOf.revision}` : asOf.time;
}
