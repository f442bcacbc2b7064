import { type AuditEntry, type AuditNote, auditEntryOf } from '../../audit/audit-entry.js';
import { bodyOf, type FlagChange, type FlagFields, listByPrefix, type StoredRecord } from '../flag.js';
import type { WriteResult } from './flag-store.js';

export type Clock = () => string;
export const systemClock: Clock = () => new Date().toISOString();

/**
 * What a {@link FlagTable} mutation returns: the answer, the audit entry of the change it made (none
 * when it made none), and how to take it back if it cannot be made durable.
 */
export interface Applied<R> {
  readonly result: R;
  readonly entry?: AuditEntry;
  readonly undo: () => void;
}

const NOTHING_TO_UNDO = () => {};

/**
 * The flags and revision counter of a single-process store, with the store contract's semantics
 * applied synchronously (so every operation is atomic in one event-loop turn). Shared by the in-memory
 * store and the embedded file store, which only adds durability.
 */
export class FlagTable {
  private readonly flags = new Map<string, StoredRecord>();
  private revision: number;

  constructor(
    private readonly clock: Clock,
    initial: { flags: readonly StoredRecord[]; revision: number } = { flags: [], revision: 0 },
  ) {
    for (const flag of initial.flags) this.flags.set(flag.key, flag);
    this.revision = initial.revision;
  }

  get currentRevision(): number {
    return this.revision;
  }

  get(key: string): StoredRecord | null {
    return this.flags.get(key) ?? null;
  }

  list(prefix: string): StoredRecord[] {
    return listByPrefix(this.flags.values(), prefix);
  }

  insert(
    key: string,
    fields: FlagFields,
    note: AuditNote,
  ): Applied<{ status: 'ok'; change: FlagChange } | { status: 'exists' }> {
    if (this.flags.has(key)) return { result: { status: 'exists' }, undo: NOTHING_TO_UNDO };
    const now = this.clock();
    const revision = this.revision + 1;
    const flag: StoredRecord = {
      key,
      ...bodyOf(fields),
      version: 1,
      revision,
      createdAt: now,
      updatedAt: now,
    };
    return this.commit(key, flag, { kind: 'upsert', key, revision, flag }, note, now);
  }

  update(key: string, expectedVersion: number, fields: FlagFields, note: AuditNote): Applied<WriteResult> {
    const current = this.flags.get(key);
    if (!current) return { result: { status: 'missing' }, undo: NOTHING_TO_UNDO };
    if (current.version !== expectedVersion) {
      return { result: { status: 'stale', currentVersion: current.version }, undo: NOTHING_TO_UNDO };
    }
    const revision = this.revision + 1;
    const now = this.clock();
    const flag: StoredRecord = {
      ...current,
      ...bodyOf(fields),
      version: current.version + 1,
      revision,
      updatedAt: now,
    };
    return this.commit(key, flag, { kind: 'upsert', key, revision, flag }, note, now);
  }

  remove(key: string, expectedVersion: number | undefined, note: AuditNote): Applied<WriteResult> {
    const current = this.flags.get(key);
    if (!current) return { result: { status: 'missing' }, undo: NOTHING_TO_UNDO };
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      return { result: { status: 'stale', currentVersion: current.version }, undo: NOTHING_TO_UNDO };
    }
    const revision = this.revision + 1;
    const change: FlagChange = { kind: 'delete', key, revision, version: current.version };
    return this.commit(key, undefined, change, note, this.clock());
  }

  /** Re-applies a change this table produced earlier (after it was undone to be made durable first). */
  applyCommitted(change: FlagChange): void {
    if (change.kind === 'upsert') this.flags.set(change.key, change.flag);
    else this.flags.delete(change.key);
    this.revision = change.revision;
  }

  /** Everything, for persistence. */
  dump(): { flags: StoredRecord[]; revision: number } {
    return { flags: this.list(''), revision: this.revision };
  }

  // The entry is built from the record this very turn replaces, so its `before` is exact.
  private commit(
    key: string,
    next: StoredRecord | undefined,
    change: FlagChange,
    note: AuditNote,
    at: string,
  ): Applied<{ status: 'ok'; change: FlagChange }> {
    const previous = this.flags.get(key);
    const previousRevision = this.revision;
    const entry = auditEntryOf(
      note,
      { revision: change.revision, at, recordKey: key },
      previous ?? null,
      next ?? null,
    );
    if (next) this.flags.set(key, next);
    else this.flags.delete(key);
    this.revision = change.revision;
    return {
      result: { status: 'ok', change },
      entry,
      undo: () => {
        if (previous) this.flags.set(key, previous);
        else this.flags.delete(key);
        this.revision = previousRevision;
      },
    };
  }
}
