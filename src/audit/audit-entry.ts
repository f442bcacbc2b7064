import type { RecordBody, RecordKind, StoredRecord } from '../flags/flag.js';
import { kindOfKey, ownKeyOf } from '../flags/flag.js';
import type { Attribution } from './attribution.js';
import { sameJson } from './audit-diff.js';

/**
 * What a change did, one closed set for every write path. Flags: `create` (a flag came into being, by
 * POST, PUT or GraphQL), `update` (a seed write's `isEnabled`/`description`), `replace` (a whole
 * definition, PUT), `toggle`, `set-rules`, `set-rollout`, `delete`, and `promote` (a configuration copied
 * from one environment to another, one entry per flag). Segments and environments: `segment-create`,
 * `segment-replace`, `segment-delete`, `environment-create`, `environment-update` (its description).
 */
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'replace',
  'toggle',
  'set-rules',
  'set-rollout',
  'delete',
  'promote',
  'segment-create',
  'segment-replace',
  'segment-delete',
  'environment-create',
  'environment-update',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a write asks to be recorded; the store adds what only the commit knows (revision, time, before). */
export interface AuditNote extends Attribution {
  readonly action: AuditAction;
  /** The one environment the write addressed (a toggle, rules, a seed write's `?environment=`), if any. */
  readonly environment?: string | undefined;
  /** `promote`: the environment the configuration was copied from. */
  readonly from?: string | undefined;
}

/**
 * A record as one side of a change: its version and definition, and the bookkeeping it had then (the
 * revision and time of the change that made it, when it was created), so that time travel rebuilds the
 * record exactly, as it was served, from an entry alone.
 */
export interface AuditState {
  readonly version: number;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly definition: RecordBody['definition'];
}

/**
 * One committed change, exactly: there is an entry for a revision if and only if a change committed at
 * it (each store makes the two one atomic write, see its AuditLog). Immutable once written.
 */
export interface AuditEntry {
  /** The change's global revision: the entry's identity and order. */
  readonly revision: number;
  /** When it committed (ISO-8601 UTC, the writer's clock). */
  readonly at: string;
  /** The writing token's name (`anonymous` with open access). */
  readonly actor: string;
  readonly action: AuditAction;
  readonly entity: RecordKind;
  /** The flag's, segment's or environment's own key. */
  readonly key: string;
  /**
   * The environments the change concerns, sorted: the one a write addressed; else, for a flag, those
   * whose configuration differs before and after (all of them for a create or delete); an
   * environment's own key for an environment; none for a segment (every environment shares it).
   */
  readonly environments: readonly string[];
  readonly comment: string | null;
  /** `promote` only: the environment the configuration was copied from (`environments` holds the target). */
  readonly from?: string;
  /** The record before the change; null for a create. */
  readonly before: AuditState | null;
  /** The record after the change; null for a delete. */
  readonly after: AuditState | null;
}

/**
 * The entry of a change at `revision` to the record at `recordKey`, from the record as it was just
 * before the change and as the change left it (null when absent). Pure: every store builds its entries
 * here, from the same state its conditional write is pinned to.
 */
export function auditEntryOf(
  note: AuditNote,
  commit: { readonly revision: number; readonly at: string; readonly recordKey: string },
  before: StoredRecord | null,
  after: StoredRecord | null,
): AuditEntry {
  const entity = kindOfKey(commit.recordKey);
  const key = ownKeyOf(commit.recordKey);
  return {
    revision: commit.revision,
    at: commit.at,
    actor: note.actor,
    action: note.action,
    entity,
    key,
    environments: environmentsOf(note, entity, key, before, after),
    comment: note.comment,
    ...(note.from !== undefined && { from: note.from }),
    before: before && stateOf(before),
    after: after && stateOf(after),
  };
}

function stateOf(record: StoredRecord): AuditState {
  const { version, revision, createdAt, updatedAt, definition } = record;
  return { version, revision, createdAt, updatedAt, definition };
}

function environmentsOf(
  note: AuditNote,
  entity: RecordKind,
  key: string,
  before: StoredRecord | null,
  after: StoredRecord | null,
): string[] {
  if (note.environment !== undefined) return [note.environment];
  if (entity === 'environment') return [key];
  if (entity === 'segment') return [];
  const configs = (record: StoredRecord | null): Record<string, unknown> =>
    record?.kind === 'flag' ? record.definition.environments : {};
  const was = configs(before);
  const is = configs(after);
  return [...new Set([...Object.keys(was), ...Object.keys(is)])]
    .filter((environment) => !sameJson(was[environment], is[environment]))
    .sort();
}
