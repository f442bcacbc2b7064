import type { Request } from 'express';
import { ValidationError } from '../../flags/errors.js';
import { singleQueryParam } from '../request-parsing.js';

/** A revision: digits only, and small enough to be exact as a JavaScript number. */
const REVISION = /^[0-9]{1,16}$/;

/**
 * Where a resuming client left off: the `Last-Event-ID` header (what EventSource sends when it
 * reconnects) or the `lastEventId` query parameter (for clients that cannot set headers). The header
 * wins, because an EventSource reconnects to the same URL with a newer header. Both are validated;
 * empty means absent.
 */
export function lastEventIdOf(req: Request): number | undefined {
  const query = parseRevision(singleQueryParam(req, 'lastEventId'), 'lastEventId');
  // Node joins a repeated header with ", " (which then fails the pattern); an array is refused likewise.
  const raw = req.headers['last-event-id'];
  const header = parseRevision(Array.isArray(raw) ? raw.join(', ') : raw, 'Last-Event-ID');
  return header ?? query;
}

function parseRevision(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const revision = Number(raw);
  if (!REVISION.test(raw) || !Number.isSafeInteger(revision)) {
    throw new ValidationError(`'${field}' must be a non-negative integer: the id of the last event seen`, {
      field,
    });
  }
  return revision;
}
