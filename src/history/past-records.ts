import type { AuditEntry, AuditState } from '../audit/audit-entry.js';
import { type RecordKind, recordKeyOf, type StoredRecord } from '../flags/flag.js';
import { IncompleteEntryError } from './history-errors.js';

/**
 * Every record as it stood at revision `target`, rebuilt from a view of the records (`current`) and the
 * audit entries of every change that committed above `from` up to the newest change the view holds,
 * fed newest first (page by page: only the records and the keys decided so far are held).
 *
 * Why this is exact: a record's changes commit in revision order, each entry holding the record as it
 * was just before (`before`) and just after (`after`) its change. So a key changed above `target` stood
 * at `target` as the `before` of its lowest such change; a key whose last change at or below `target`
 * lies above `from` stood there as that change's `after`; and every other key stands in `current` as it
 * stood at `target` — provided `current` holds every change up to `from` (it is exact through there)
 * and nothing above the newest entry (the caller reads entries up to the view's own revision).
 */
export class Rewind {
  private readonly records = new Map<string, StoredRecord>();
  /** Keys whose state at `target` an entry has decided: undone (changed above it) or redone. */
  private readonly undone = new Set<string>();
  private readonly redone = new Set<string>();
  private previous = Number.POSITIVE_INFINITY;

  constructor(
    current: Iterable<StoredRecord>,
    private readonly target: number,
  ) {
    for (const record of current) this.records.set(record.key, record);
  }

  /** Takes the next entries, newest first (each below every entry taken before). */
  apply(newestFirst: readonly AuditEntry[]): void {
    for (const entry of newestFirst) {
      if (entry.revision >= this.previous) throw new Error(`audit entries out of order at ${entry.revision}`);
      this.previous = entry.revision;
      const key = recordKeyOf(entry.entity, entry.key);
      if (entry.revision > this.target) {
        this.put(key, entry.entity, entry.before, entry.revision);
        this.undone.add(key);
      } else if (!this.undone.has(key) && !this.redone.has(key)) {
        this.put(key, entry.entity, entry.after, entry.revision);
        this.redone.add(key);
      }
    }
  }

  /** The records at `target`, once every entry has been taken. */
  result(): StoredRecord[] {
    return [...this.records.values()];
  }

  private put(key: string, kind: RecordKind, state: AuditState | null, entryRevision: number): void {
    if (state === null) {
      this.records.delete(key);
      return;
    }
    const { version, revision, createdAt, updatedAt, definition } = state;
    if (typeof revision !== 'number' || typeof createdAt !== 'string' || typeof updatedAt !== 'string')
      throw new IncompleteEntryError(entryRevision);
    this.records.set(key, { key, kind, definition, version, revision, createdAt, updatedAt } as StoredRecord);
  }
}

/** {@link Rewind} over entries already at hand (tests, small histories). */
export function recordsAt(
  current: Iterable<StoredRecord>,
  newestFirst: readonly AuditEntry[],
  target: number,
): StoredRecord[] {
  const rewind = new Rewind(current, target);
  rewind.apply(newestFirst);
  return rewind.result();
}
