import { isFlagKey } from '../flags/flag.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { ALL_ENVIRONMENTS, flagView, type ReadScope } from '../flags/flag-view.js';
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
 * The serialised `GET /feature-flags?prefix=` response and its ETag, per read scope (environment)
 * and prefix, so a warm poll does
 * no store, cache or JSON work at all. Bounded: past `maxEntries` prefixes the least recently used is
 * forgotten, so a stream of random prefixes cannot grow memory without limit. A change drops only the
 * entries whose prefix the changed key starts with, in every scope (one definition holds every
 * environment).
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

  get(prefix: string, scope: ReadScope = ALL_ENVIRONMENTS): MemoisedBody {
    // The prefix last: invalidation reads it back from the memo key.
    const memoKey = `${scope}\u0000${prefix}`;
    const hit = this.entries.get(memoKey);
    if (hit) {
      if (this.entries.size > 1) {
        this.entries.delete(memoKey);
        this.entries.set(memoKey, hit);
      }
      return hit;
    }
    const views = this.snapshot.list(prefix).map((record) => flagView(record, scope));
    const fresh = memoise(Buffer.from(JSON.stringify(views)));
    this.entries.set(memoKey, fresh);
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
    if (!isFlagKey(key)) return; // segments and environments are not in flag lists
    for (const memoKey of this.entries.keys()) {
      if (key.startsWith(memoKey.slice(memoKey.indexOf('\u0000') + 1))) this.entries.delete(memoKey);
    }
  }
}
