import type { AppError } from '../errors.js';
import { ValidationError } from '../flags/errors.js';
import type { ReplaceGuard } from '../flags/flag-service.js';
import { parseIfMatch } from './etag.js';

/** How a write guard reads the record it guards, when `If-Match` names it by ETag. */
export interface GuardedRecord<R extends { version: number }> {
  /** The record as the store has it now (never a cached view), or null. */
  current(): Promise<R | null>;
  /** The strong ETag a GET of the record serves (in the writer's read scope). */
  etagOf(record: R): string;
  /** The error for a record that does not exist. */
  notFound(): AppError;
  /** The error for an ETag that names another version than the current one. */
  stale(tag: string, currentVersion: number): AppError;
}

/**
 * `If-Match` on a write (flags and segments alike): `"<version>"` (e.g. `"3"`), the record's current
 * ETag, or `*` (it must exist). Absent: no precondition. One tag only.
 */
export async function writeGuardOf<R extends { version: number }>(
  header: string | undefined,
  record: GuardedRecord<R>,
): Promise<ReplaceGuard> {
  if (header === undefined) return {};
  const tags = parseIfMatch(header);
  if (tags.length !== 1) {
    throw new ValidationError(
      '\'If-Match\' must hold exactly one entity tag: the expected version, e.g. "3"',
    );
  }
  const tag = tags[0] as string;
  // `*` asks only that the record exist, which PATCH and DELETE require anyway (404 otherwise). Pinning
  // the version read here would turn a concurrent write into a spurious 412.
  if (tag === '*') return { mustExist: true };
  const version = /^"([1-9][0-9]{0,15})"$/.exec(tag)?.[1];
  if (version !== undefined) return { expectedVersion: Number(version) };
  const current = await record.current();
  if (!current) throw record.notFound();
  if (tag === record.etagOf(current)) return { expectedVersion: current.version };
  throw record.stale(tag, current.version);
}
