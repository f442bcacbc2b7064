import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { etagOf } from './etag.js';

export interface MemoisedBody {
  readonly body: Buffer;
  readonly etag: string;
}

/**
 * The serialised `GET /feature-flags?prefix=` response and its ETag, per prefix, so a warm poll does
 * no store, cache or JSON work at all. Bounded: past `maxEntries` prefixes the least recently used is
 * forgotten, so a stream of random prefixes cannot grow memory without limit. A change drops only the
 * entries whose prefix the changed key starts with.
 */
export class FlagListMemo {
  // A Map iterates in insertion order; re-inserting on use makes the first key the least recent.
  private readonly entries = new Map<string, MemoisedBody>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly snapshot: FlagSnapshot,
    private readonly maxEntries: number,
  ) {
    this.unsubscribe = snapshot.subscribe((event) => {
      if (event.type === 'change') this.invalidate(event.change.key);
      else for (const change of event.changes) this.invalidate(change.key);
    });
  }

  get(prefix: string): MemoisedBody {
    const hit = this.entries.get(prefix);
    if (hit) {
      if (this.entries.size > 1) {
        this.entries.delete(prefix);
        this.entries.set(prefix, hit);
      }
      return hit;
    }
    const body = Buffer.from(JSON.stringify(this.snapshot.list(prefix)));
    const fresh: MemoisedBody = { body, etag: etagOf(body) };
    this.entries.set(prefix, fresh);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return fresh;
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }

  private invalidate(key: string): void {
    for (const prefix of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(prefix);
  }
}
