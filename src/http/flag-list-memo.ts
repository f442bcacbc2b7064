import { isFlagKey } from '../flags/flag.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { ALL_ENVIRONMENTS, flagView, type ReadScope, scopeHeaders } from '../flags/flag-view.js';
import { etagOf } from './etag.js';

export interface MemoisedBody {
  readonly body: Buffer;
  readonly etag: string;
  /** Response headers built once, so answering a poll allocates nothing per request. */
  readonly headers200: Readonly<Record<string, string>>;
  readonly headers304: Readonly<Record<string, string>>;
}

/** The body, its ETag and the headers of both answers to a conditional GET of it. */
export function memoise(
  body: Buffer,
  etag = etagOf(body),
  extraHeaders: Readonly<Record<string, string>> = {},
): MemoisedBody {
  // Pollers must revalidate every time (no-cache); the ETag makes that cheap.
  const headers304 = { ETag: etag, 'Cache-Control': 'no-cache', ...extraHeaders };
  const headers200 = {
    ...headers304,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
  };
  return { body, etag, headers200, headers304 };
}

interface Entry {
  readonly scope: ReadScope;
  readonly prefix: string;
  readonly memoised: MemoisedBody;
}

/**
 * The serialised `GET /feature-flags?prefix=` response and its ETag, per read scope (environment) and
 * prefix, so a warm poll does no store, cache or JSON work at all, and allocates nothing: the lookup
 * is two Map reads with the strings the request already holds. Bounded: past `maxEntries` answers the
 * least recently used is forgotten, so a stream of random prefixes cannot grow memory without limit.
 *
 * A change drops the entries whose prefix the changed key starts with, in every scope: one definition
 * holds every environment, and every scope's view of it carries its `version` and `revision`, so a
 * change in staging changes production's body (and ETag) too. Never a stale 304; at worst a 200 whose
 * flags decide as before.
 */
export class FlagListMemo {
  private readonly byScope = new Map<ReadScope, Map<string, Entry>>();
  // A Set iterates in insertion order; re-inserting on use makes the first entry the least recent.
  private readonly recency = new Set<Entry>();
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

  /** The list under `prefix` as `scope` sees it; the scope must be valid (read-scope.ts). */
  get(prefix: string, scope: ReadScope = ALL_ENVIRONMENTS): MemoisedBody {
    const hit = this.byScope.get(scope)?.get(prefix);
    if (hit) {
      if (this.recency.size > 1) {
        this.recency.delete(hit);
        this.recency.add(hit);
      }
      return hit.memoised;
    }
    const views = this.snapshot.list(prefix).map((record) => flagView(record, scope));
    const entry: Entry = {
      scope,
      prefix,
      memoised: memoise(Buffer.from(JSON.stringify(views)), undefined, scopeHeaders(scope)),
    };
    let prefixes = this.byScope.get(scope);
    if (!prefixes) {
      prefixes = new Map();
      this.byScope.set(scope, prefixes);
    }
    prefixes.set(prefix, entry);
    this.recency.add(entry);
    if (this.recency.size > this.maxEntries) {
      const oldest = this.recency.values().next();
      if (!oldest.done) this.forget(oldest.value);
    }
    return entry.memoised;
  }

  get size(): number {
    return this.recency.size;
  }

  close(): void {
    this.unsubscribe();
    this.byScope.clear();
    this.recency.clear();
  }

  private invalidate(key: string): void {
    if (!isFlagKey(key)) return; // segments and environments are not in flag lists
    for (const entry of this.recency) if (key.startsWith(entry.prefix)) this.forget(entry);
  }

  private forget(entry: Entry): void {
    this.recency.delete(entry);
    const prefixes = this.byScope.get(entry.scope);
    prefixes?.delete(entry.prefix);
    if (prefixes?.size === 0) this.byScope.delete(entry.scope);
  }
}
