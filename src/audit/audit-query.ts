import type { Principal } from '../auth/access-control.js';
import { TOKEN_NAME } from '../auth/token-entries.js';
import { AppError } from '../errors.js';
import { ValidationError } from '../flags/errors.js';
import type { RecordKind } from '../flags/flag.js';
import { assertValidKey } from '../flags/validation.js';
import { AUDIT_ACTIONS, type AuditAction } from './audit-entry.js';
import { type AuditFilter, MAX_AUDIT_PAGE } from './audit-log.js';

/** How many entries a page holds when the caller does not say. */
export const DEFAULT_AUDIT_PAGE = 50;

const ENTITIES: readonly RecordKind[] = ['flag', 'segment', 'environment'];

/** FORBIDDEN unless the principal may read the audit history: admin tokens (and open access) only. */
export function assertMayReadAudit(principal: Principal): void {
  if (principal.scope !== 'admin')
    throw new AppError('FORBIDDEN', 'The audit history is for admin tokens only');
}

/** A filter as transports take it, each part optional; {@link auditFilterOf} checks and normalises it. */
export interface AuditFilterInput {
  flag?: string | null | undefined;
  segment?: string | null | undefined;
  entity?: string | null | undefined;
  environment?: string | null | undefined;
  actor?: string | null | undefined;
  actions?: readonly string[] | null | undefined;
  sinceRevision?: number | null | undefined;
  untilRevision?: number | null | undefined;
  /** An ISO-8601 date (`2025-01-31`, midnight UTC) or date-time with its offset (`...T14:02:00Z`). */
  since?: string | null | undefined;
  until?: string | null | undefined;
}

/**
 * The filter a request asks for, checked (VALIDATION_FAILED naming the field) and normalised: `flag`
 * and `segment` are an entity and its key; times become ISO-8601 UTC; bounds are inclusive.
 */
export function auditFilterOf(input: AuditFilterInput): AuditFilter {
  const given = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);
  const flag = given(input.flag);
  const segment = given(input.segment);
  let entity = given(input.entity) as RecordKind | undefined;
  if (entity !== undefined && !ENTITIES.includes(entity))
    throw new ValidationError(`'entity' must be one of ${ENTITIES.join(', ')}`, { field: 'entity' });
  let key: string | undefined;
  for (const [field, value, kind] of [
    ['flag', flag, 'flag'],
    ['segment', segment, 'segment'],
  ] as const) {
    if (value === undefined) continue;
    assertValidKey(value, field);
    if (key !== undefined || (entity !== undefined && entity !== kind))
      throw new ValidationError(`'${field}' cannot be combined with another entity`, { field });
    entity = kind;
    key = value;
  }
  const environment = given(input.environment);
  if (environment !== undefined) assertValidKey(environment, 'environment');
  const actor = given(input.actor);
  if (actor !== undefined && !TOKEN_NAME.test(actor))
    throw new ValidationError(`'actor' must be a token name (letters, digits, '.', '_', '-')`, {
      field: 'actor',
    });
  const actions = given(input.actions);
  if (actions !== undefined) {
    const unknown = actions.find((action) => !(AUDIT_ACTIONS as readonly string[]).includes(action));
    if (unknown !== undefined || actions.length === 0)
      throw new ValidationError(`'action' must be one or more of ${AUDIT_ACTIONS.join(', ')}`, {
        field: 'action',
      });
  }
  return {
    entity,
    key,
    environment,
    actor,
    actions: actions as AuditAction[] | undefined,
    sinceRevision: revisionOf(given(input.sinceRevision), 'since'),
    untilRevision: revisionOf(given(input.untilRevision), 'until'),
    since: timeOf(given(input.since), 'since'),
    until: timeOf(given(input.until), 'until'),
  };
}

/** A page size: 1 to {@link MAX_AUDIT_PAGE}, {@link DEFAULT_AUDIT_PAGE} when absent. */
export function pageSizeOf(limit: number | null | undefined, field: string): number {
  if (limit === undefined || limit === null) return DEFAULT_AUDIT_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE)
    throw new ValidationError(`'${field}' must be an integer from 1 to ${MAX_AUDIT_PAGE}`, { field });
  return limit;
}

/**
 * A REST bound (`since=`, `until=`): a revision when all digits, else an ISO-8601 time. The two cannot
 * be confused: no ISO date or date-time is all digits.
 */
export function boundOf(text: string | undefined): { revision?: number; time?: string } {
  if (text === undefined) return {};
  return /^[0-9]+$/.test(text) ? { revision: Number(text) } : { time: text };
}

function revisionOf(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ValidationError(`'${field}' must be a revision (a whole number) or an ISO-8601 time`, {
      field,
    });
  return value;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A time bound as ISO-8601 UTC; a date-time must say its offset (a local time would mean whose?). */
export function timeOf(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = ISO_DATE.test(value) || ISO_DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new ValidationError(
      `'${field}' must be a revision or an ISO-8601 date or date-time with its offset, e.g. 2025-01-31T14:02:00Z`,
      { field },
    );
  return new Date(ms).toISOString();
}
