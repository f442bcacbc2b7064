import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { etagOf } from './etag.js';

export interface MemoisedBody {
  readonly body: Buffer;
  readonly etag: string;
  /** Response headers built once, so answering a poll allocates nothing per request. */
  readonly headers200: Readonly<Record<string, string>>;
  readonly headers304: Readonly<Record<string, string>>;
}

/** The body, its ETag and the headers of both answers to a conditional GET of it. */
export function memoise(body: Buffer, etag = etagOf(body)): MemoisedBody {
  // Pollers must revalidate every time (no-cache); the ETag makes that cheap.
  const headers304 = { ETag: etag, 'Cache-Control': 'no-cache' };
  const headers200 = {
    ...headers304,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
  };
  return { body, etag, headers200, headers304 };
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
    const fresh = memoise(Buffer.from(JSON.stringify(this.snapshot.list(prefix))));
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
