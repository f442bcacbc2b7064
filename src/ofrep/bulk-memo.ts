import type { MemoisedBody } from '../http/flag-list-memo.js';

interface Entry {
  readonly etag: string;
  readonly memoised: MemoisedBody;
  readonly bytes: number;
}

/**
 * Bulk answers already built, by (environment, token, canonical context): a provider re-fetching for
 * the same user (a visibility change, a poll, an event for a change that did not reach it) is answered
 * without evaluating every flag again. Least recently used first out, bounded by bytes (an answer of
 * 200 flags is tens of kilobytes, and every user of a site has a context of their own). An entry is only
 * served while its ETag is the current one, and the whole memo is dropped on any change.
 */
export class BulkAnswerMemo {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The answer memoised for `key`, if it still carries `etag`. */
  get(key: string, etag: string): MemoisedBody | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.etag !== etag) {
      this.drop(key, entry);
      return undefined;
    }
    if (this.entries.size > 1) {
      // Re-inserted: Map iterates in insertion order, so the first entry is the least recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry.memoised;
  }

  set(key: string, etag: string, memoised: MemoisedBody): void {
    // The key is a JavaScript string: count two bytes a character.
    const bytes = memoised.body.length + key.length * 2;
    if (bytes > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, { etag, memoised, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest, entry);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
