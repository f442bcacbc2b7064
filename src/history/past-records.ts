import type { AuditEntry, AuditState } from '../audit/audit-entry.js';
import { type RecordKind, recordKeyOf, type StoredRecord } from '../flags/flag.js';
import { IncompleteEntryError } from './history-errors.js';

/**
 * Every record as it stood at revision `target`, from a view of the records (`current`) and the audit
 * entries of every change that committed above `from` up to the newest change the view holds, newest
 * first. Pure.
 *
 * Why this is exact: a record's changes commit in revision order, each entry holding the record as it
 * was just before (`before`) and just after (`after`) its change. So a key changed above `target` stood
 * at `target` as the `before` of its lowest such change; a key whose last change at or below `target`
 * lies above `from` stood there as that change's `after`; and every other key stands in `current` as it
 * stood at `target` — provided `current` holds every change up to `from` (it is exact through there)
 * and nothing above the newest entry (the caller reads entries up to the view's own revision).
 */
export function recordsAt(
  current: Iterable<StoredRecord>,
  newestFirst: readonly AuditEntry[],
  target: number,
): StoredRecord[] {
  const records = new Map<string, StoredRecord>();
  for (const record of current) records.set(record.key, record);
  // Keys whose state at `target` an entry has decided: undone (changed above it) or redone.
  const undone = new Set<string>();
  const redone = new Set<string>();
  let previous = Number.POSITIVE_INFINITY;
  for (const entry of newestFirst) {
    if (entry.revision >= previous) throw new Error(`audit entries out of order at ${entry.revision}`);
    previous = entry.revision;
    const key = recordKeyOf(entry.entity, entry.key);
    if (entry.revision > target) {
      put(records, key, entry.entity, entry.before, entry.revision);
      undone.add(key);
    } else if (!undone.has(key) && !redone.has(key)) {
      put(records, key, entry.entity, entry.after, entry.revision);
      redone.add(key);
    }
  }
  return [...records.values()];
}

function put(
  records: Map<string, StoredRecord>,
  key: string,
  kind: RecordKind,
  state: AuditState | null,
  entryRevision: number,
): void {
  if (state === null) {
    records.delete(key);
    return;
  }
  const { version, revision, createdAt, updatedAt, definition } = state;
  if (typeof revision !== 'number' || typeof createdAt !== 'string' || typeof updatedAt !== 'string')
    throw new IncompleteEntryError(entryRevision);
  records.set(key, { key, kind, definition, version, revision, createdAt, updatedAt } as StoredRecord);
}
