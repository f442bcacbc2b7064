import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditNote } from '../../audit/audit-entry.js';
import { AuditIndex, IndexedAuditLog, rowOf } from '../../audit/audit-index.js';
import type { PurgeOutcome, RetentionPolicy } from '../../audit/audit-log.js';
import type { FlagFields } from '../flag.js';
import type { FlagStore } from './flag-store.js';
import { type Applied, type Clock, FlagTable, systemClock } from './flag-table.js';

/**
 * A complete, non-durable store: unit tests and throwaway runs. A change and its audit entry are made
 * in one synchronous step (nothing can come between them in one event-loop turn).
 */
export class MemoryFlagStore implements FlagStore {
  private readonly table: FlagTable;
  private readonly index = new AuditIndex<AuditEntry>();
  readonly audit = new IndexedAuditLog(
    this.index,
    async (rows) => rows.map((row) => row.locator),
    () => this.table.currentRevision,
  );
  /** Nothing outlives the instance: each one is a store of its own. */
  private readonly id = randomUUID();

  constructor(private readonly clock: Clock = systemClock) {
    this.table = new FlagTable(clock);
  }

  async list(prefix: string) {
    return this.table.list(prefix);
  }
  async get(key: string) {
    return this.table.get(key);
  }
  async insert(key: string, fields: FlagFields, note: AuditNote) {
    return this.recorded(this.table.insert(key, fields, note));
  }
  async update(key: string, expectedVersion: number, fields: FlagFields, note: AuditNote) {
    return this.recorded(this.table.update(key, expectedVersion, fields, note));
  }
  async remove(key: string, expectedVersion: number | undefined, note: AuditNote) {
    return this.recorded(this.table.remove(key, expectedVersion, note));
  }
  async currentRevision() {
    return this.table.currentRevision;
  }
  async identity() {
    return this.id;
  }
  async purgeAudit(policy: RetentionPolicy, now = Date.parse(this.clock())): Promise<PurgeOutcome> {
    const { through, more } = this.index.purgeTarget(policy, now);
    return { purged: this.index.purgeThrough(through).length, more };
  }
  async ping() {}
  async close() {}

  private recorded<R>(applied: Applied<R>): R {
    if (applied.entry) this.index.add(rowOf(applied.entry, applied.entry));
    return applied.result;
  }
}
