import type { FlagSnapshot } from '../flags/flag-snapshot.js';

/** A memoised GraphQL-over-HTTP answer: always status 200, with Apollo's headers and the exact body. */
export interface MemoisedResponse {
  readonly body: Buffer;
  /** Apollo's response headers (its Content-Type) plus Content-Length, built once. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface ResponseMemoLimits {
  /** Most answers kept; past it the least recently used is forgotten. */
  readonly maxEntries: number;
  /** Most bytes kept (keys and bodies, estimated); past it the least recently used are forgotten. */
  readonly maxBytes: number;
}

/** Defaults: a thousand answers, at most 32 MiB in all (a hundred-flag list is about 24 KB). */
export const DEFAULT_MEMO_LIMITS: ResponseMemoLimits = { maxEntries: 1000, maxBytes: 32 * 1024 * 1024 };

/** What an entry is counted as besides its key and body: the Map slot, the headers, the objects. */
const ENTRY_OVERHEAD_BYTES = 256;

interface Entry {
  readonly response: MemoisedResponse;
  readonly bytes: number;
}

/**
 * Answers to GraphQL queries of the flag state, by request (see request-key.ts), valid for one state of
 * the snapshot: every change or reset the snapshot applies starts a new generation and drops every
 * answer. An answer computed while a change arrived is never kept: {@link set} takes the generation
 * read before the request was executed and refuses the answer if it is no longer current. (Not the
 * snapshot's revision: a late change to another key can be applied without raising it.)
 *
 * Bounded by entries and by bytes (LRU), so endless distinct documents or variables cannot grow memory.
 */
export class GraphQLResponseMemo {
  // A Map iterates in insertion order; re-inserting on use makes the first key the least recent.
  private readonly entries = new Map<string, Entry>();
  private readonly unsubscribe: () => void;
  private currentGeneration = 0;
  private bytes = 0;
  private hitCount = 0;

  constructor(
    snapshot: FlagSnapshot,
    private readonly limits: ResponseMemoLimits = DEFAULT_MEMO_LIMITS,
  ) {
    this.unsubscribe = snapshot.subscribe(() => this.drop());
  }

  /** The state answers are valid for; read it before executing a request, pass it to {@link set}. */
  get generation(): number {
    return this.currentGeneration;
  }

  /** How many answers are kept. */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): MemoisedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.entries.size > 1) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    this.hitCount++;
    return entry.response;
  }

  /**
   * Keeps `response` for `key` if the snapshot is still at `generation` (the one read before the
   * request was executed) and the answer fits the byte budget; returns whether it was kept.
   */
  set(key: string, generation: number, response: MemoisedResponse): boolean {
    if (generation !== this.currentGeneration) return false;
    // Strings are counted at two bytes a character, whatever V8 stores.
    const bytes = 2 * key.length + response.body.length + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.limits.maxBytes / 4) return false;
    this.remove(key);
    this.entries.set(key, { response, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    return true;
  }

  /** How many answers are kept, their estimated bytes, and how many requests they answered. */
  get stats(): { entries: number; bytes: number; hits: number; generation: number } {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      hits: this.hitCount,
      generation: this.currentGeneration,
    };
  }

  close(): void {
    this.unsubscribe();
    this.drop();
  }

  private drop(): void {
    this.currentGeneration++;
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
