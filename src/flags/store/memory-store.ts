import { randomUUID } from 'node:crypto';
import type { FlagStore } from './flag-store.js';
import { type Clock, FlagTable, systemClock } from './flag-table.js';

/** A complete, non-durable store: unit tests and throwaway runs. */
export class MemoryFlagStore implements FlagStore {
  private readonly table: FlagTable;
  /** Nothing outlives the instance: each one is a store of its own. */
  private readonly id = randomUUID();

  constructor(clock: Clock = systemClock) {
    this.table = new FlagTable(clock);
  }

  async list(prefix: string) {
    return this.table.list(prefix);
  }
  async get(key: string) {
    return this.table.get(key);
  }
  async insert(key: string, fields: Parameters<FlagStore['insert']>[1]) {
    return this.table.insert(key, fields).result;
  }
  async update(key: string, expectedVersion: number, fields: Parameters<FlagStore['update']>[2]) {
    return this.table.update(key, expectedVersion, fields).result;
  }
  async remove(key: string, expectedVersion?: number) {
    return this.table.remove(key, expectedVersion).result;
  }
  async currentRevision() {
    return this.table.currentRevision;
  }
  async identity() {
    return this.id;
  }
  async ping() {}
  async close() {}
}
