import type { StoredRecord } from './flag.js';

/**
 * What write-time validation reads of everything else in the store, synchronously: this instance's
 * snapshot. It may trail a write made a moment ago on another instance by the feed's delivery time, so
 * a definition naming a segment created there an instant earlier can be refused once; a retry passes.
 */
export interface RecordCatalog {
  get(key: string): StoredRecord | null;
  /** Every flag's key (no reserved keys). */
  flagKeys(): Iterable<string>;
}
