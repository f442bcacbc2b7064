import type { Request } from 'express';
import { ValidationError } from '../../flags/errors.js';
import { singleQueryParam } from '../request-parsing.js';

/**
 * The largest resume point: revisions are JavaScript numbers, exact only up to 2^53 - 1. It has 16
 * digits, so 1 to 16 digits (leading zeros allowed) and at most this value is the whole rule; a
 * 16-digit id above it would round to another revision, and is refused rather than misread.
 */
export const MAX_LAST_EVENT_ID = Number.MAX_SAFE_INTEGER; // 9007199254740991
const DIGITS = /^[0-9]{1,16}$/;

/**
 * Where a resuming client left off: the `Last-Event-ID` header (what EventSource sends when it
 * reconnects) or the `lastEventId` query parameter (for clients that cannot set headers). The header
 * wins, because an EventSource reconnects to the same URL with a newer header. Both are validated;
 * empty means absent.
 */
export function lastEventIdOf(req: Request): number | undefined {
  const query = parseLastEventId(singleQueryParam(req, 'lastEventId'), 'lastEventId');
  // Node joins a repeated header with ", " (which then fails the pattern); an array is refused likewise.
  const raw = req.headers['last-event-id'];
  const header = parseLastEventId(Array.isArray(raw) ? raw.join(', ') : raw, 'Last-Event-ID');
  return header ?? query;
}

/**
 * One resume point as sent: `undefined` when absent or empty, the revision for 1 to 16 decimal digits
 * of value at most {@link MAX_LAST_EVENT_ID}, a `ValidationError` naming `field` for anything else.
 */
export function parseLastEventId(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  // Any integer above 2^53 - 1 converts to 2^53 or more, so the comparison is exact for 16 digits.
  const revision = DIGITS.test(raw) ? Number(raw) : Number.NaN;
  if (!(revision <= MAX_LAST_EVENT_ID)) {
    throw new ValidationError(
      `'${field}' must be 1 to 16 decimal digits, at most ${MAX_LAST_EVENT_ID}: the id of the last event seen`,
      { field },
    );
  }
  return revision;
}
