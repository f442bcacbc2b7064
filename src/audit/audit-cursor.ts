import { createHash } from 'node:crypto';
import { ValidationError } from '../flags/errors.js';
import { canonicalFilter } from './audit-filter.js';
import type { AuditFilter } from './audit-log.js';

/**
 * A page cursor: the revision the next page starts below, bound to the filter it was issued for (a
 * digest of it), as base64url JSON. Opaque to clients; a revision bound is what keeps pages stable
 * while entries are written (new entries only ever take higher revisions).
 */
interface CursorBody {
  readonly v: 1;
  /** The next page holds entries below this revision. */
  readonly b: number;
  /** Digest of the filter. */
  readonly f: string;
}

function digestOf(filter: AuditFilter): string {
  return createHash('sha256').update(canonicalFilter(filter)).digest('base64url').slice(0, 12);
}

export function encodeCursor(filter: AuditFilter, below: number): string {
  const body: CursorBody = { v: 1, b: below, f: digestOf(filter) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The revision bound `cursor` holds; VALIDATION_FAILED (field `cursor`) if it is not one issued for `filter`. */
export function decodeCursor(filter: AuditFilter, cursor: string): number {
  let body: Partial<CursorBody> | null = null;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody> | null;
  } catch {
    // refused below
  }
  if (body?.v !== 1 || !Number.isSafeInteger(body.b) || (body.b as number) < 1) {
    throw new ValidationError("'cursor' is not a cursor this server issued: pass a page's nextCursor", {
      field: 'cursor',
    });
  }
  if (body.f !== digestOf(filter)) {
    throw new ValidationError("'cursor' was issued for other filters: repeat the same filters with it", {
      field: 'cursor',
    });
  }
  return body.b as number;
}
