import { sameJson } from '../../src/audit/audit-diff.js';
import type { AuditEntry, AuditState } from '../../src/audit/audit-entry.js';
import type { AuditLog } from '../../src/audit/audit-log.js';
import { type FlagChange, recordKeyOf, type StoredRecord } from '../../src/flags/flag.js';

/** Every entry after `after`, oldest first, read the way an outbox would (readAfter, resuming at `through`). */
export async function allEntries(log: AuditLog, settledThrough = 0, after = 0): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let from = after;
  for (;;) {
    const batch = await log.readAfter(from, 100, settledThrough);
    out.push(...batch.entries);
    if (batch.entries.length === 0) return out;
    from = batch.through;
  }
}

/**
 * What must hold between a store's history and its state, whatever happened (races, crashes): per
 * record, its entries chain (each one's `before` is the previous one's `after`, the first one's is
 * null) and the last one's `after` is the record now (null for a deleted record). A change that
 * committed without its entry breaks the chain or the end; an entry whose change did not commit does
 * too. Answers the problems found (empty when none).
 */
export function historyProblems(
  entries: readonly AuditEntry[],
  records: readonly StoredRecord[],
  deletedKeys: Iterable<string> = [],
): string[] {
  const problems: string[] = [];
  const byRecord = new Map<string, AuditEntry[]>();
  let previous = 0;
  for (const entry of entries) {
    if (entry.revision <= previous) problems.push(`entry ${entry.revision} after ${previous}: not in order`);
    previous = entry.revision;
    const key = recordKeyOf(entry.entity, entry.key);
    byRecord.set(key, [...(byRecord.get(key) ?? []), entry]);
  }
  const live = new Map(records.map((record) => [record.key, record]));
  for (const key of new Set([...byRecord.keys(), ...live.keys(), ...deletedKeys])) {
    const chain = byRecord.get(key) ?? [];
    let state: AuditState | null = null;
    for (const entry of chain) {
      if (!sameJson(entry.before, state))
        problems.push(`${key}@${entry.revision}: before is not the state its previous entry left`);
      state = entry.after;
    }
    const record = live.get(key);
    if (!sameJson(state, stateOf(record))) problems.push(`${key}: its last entry does not leave it as it is`);
    if (record && chain.at(-1)?.revision !== record.revision)
      problems.push(`${key}: no entry at its revision ${record.revision}`);
  }
  return problems;
}

/** The entry a committed change must have: same revision, and its `after` the change's record (or null). */
export function entryMatchesChange(entry: AuditEntry | undefined, change: FlagChange): boolean {
  if (!entry || entry.revision !== change.revision) return false;
  if (change.kind === 'delete') return entry.after === null && entry.before?.version === change.version;
  return sameJson(entry.after, stateOf(change.flag));
}

/** A record as an entry holds it: its version, bookkeeping and definition (null for none). */
function stateOf(record: StoredRecord | undefined): AuditState | null {
  if (!record) return null;
  const { version, revision, createdAt, updatedAt, definition } = record;
  return { version, revision, createdAt, updatedAt, definition };
}
