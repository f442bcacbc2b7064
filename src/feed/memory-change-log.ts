import type { FlagChange } from '../flags/flag.js';
import type { ChangeLog } from './change-log.js';

/** How many changes a log keeps unless told otherwise. */
export const DEFAULT_CHANGE_LOG_CAPACITY = 1000;

export interface ChangeLogOptions {
  /** The most changes kept; older ones are dropped and the floor rises past them. */
  readonly capacity?: number;
}

/** Checks a capacity option once, so a typo cannot make a log that keeps nothing or grows forever. */
export function changeLogCapacity(options: ChangeLogOptions): number {
  const capacity = options.capacity ?? DEFAULT_CHANGE_LOG_CAPACITY;
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new RangeError(`change log capacity must be a positive integer, got ${capacity}`);
  }
  return capacity;
}

/**
 * The single-process change log: the same semantics as the Redis one (see {@link ChangeLog}), held in
 * memory, sorted by revision.
 */
export class MemoryChangeLog implements ChangeLog {
  private readonly capacity: number;
  /** Sorted by revision, at most one entry per revision. */
  private entries: FlagChange[] = [];
  /** Everything above the floor is logged; undefined until init or the first append. */
  private floor: number | undefined;

  constructor(options: ChangeLogOptions = {}) {
    this.capacity = changeLogCapacity(options);
  }

  async init(revision: number): Promise<void> {
    this.floor ??= revision;
  }

  async append(change: FlagChange): Promise<void> {
    this.floor ??= change.revision - 1;
    // Already covered as "nothing logged here" (a late append below a trimmed or initialised floor).
    if (change.revision <= this.floor) return;
    // Appends from several writers may arrive slightly out of order: insert in place, replacing a
    // duplicate of the same revision.
    const at = this.entries.findLastIndex((entry) => entry.revision <= change.revision);
    const replace = this.entries[at]?.revision === change.revision ? 1 : 0;
    this.entries.splice(at + 1 - replace, replace, change);
    while (this.entries.length > this.capacity) {
      const dropped = this.entries.shift();
      if (dropped) this.floor = Math.max(this.floor, dropped.revision);
    }
  }

  async since(after: number): Promise<FlagChange[] | null> {
    if (this.floor === undefined || after < this.floor) return null;
    return this.entries.filter((entry) => entry.revision > after);
  }

  async close(): Promise<void> {}
}
