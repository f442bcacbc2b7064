/** The last ETag computed for a context, with every other input it was computed from (bulk-evaluation.ts). */
export interface RememberedEtag {
  readonly principalId: string;
  readonly environment: string;
  readonly fingerprint: string;
  readonly signalled: number;
  readonly etag: string;
}

/** A bulk request body already read: its context (checked, frozen), canonicalised, and its last ETag. */
export interface KnownContext {
  readonly context: object;
  readonly canonicalContext: string;
  /** Set by BulkEvaluation.etagOf; only used again while every input it names is still the same. */
  lastEtag: RememberedEtag | undefined;
}

/** Bodies longer than this are read every time: providers send small contexts, and one large body would evict many. */
const MAX_BODY_BYTES = 4096;

/**
 * Bulk request bodies seen recently, by their exact bytes: a provider revalidating (a poll, a tab coming
 * back into view) sends the very same bytes again, and equal bytes parse to an equal context. So a
 * repeat skips UTF-8 decoding, JSON parsing, the context check, canonicalisation and, while the state,
 * environment and token are those it was computed for, the ETag's hash: the 304 path becomes one Map
 * lookup. Keyed by the bytes themselves (as a latin1 string, one character per byte), never by a hash of
 * them, so two bodies share an entry only when they are identical. Only bodies that held a valid
 * context are kept. Bounded by an estimate of the memory it holds; the oldest entry goes first
 * (insertion order, so a hit stays a single lookup).
 */
export class BulkContextMemo {
  private readonly entries = new Map<string, { readonly known: KnownContext; readonly bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The context `body` held when it was last read, if remembered. */
  get(body: Buffer): KnownContext | undefined {
    if (body.length > MAX_BODY_BYTES || this.maxBytes === 0) return undefined;
    return this.entries.get(body.toString('latin1'))?.known;
  }

  /** Remembers that `body` holds `context` (valid, as JSON.parse made it); returns what is kept. */
  remember(body: Buffer, context: object, canonicalContext: string): KnownContext {
    // The key (one byte a character), the canonical string (up to two bytes a character), the parsed
    // context (about twice its JSON), and the entry itself.
    const bytes = body.length * 3 + canonicalContext.length * 2 + 256;
    if (body.length > MAX_BODY_BYTES || bytes > this.maxBytes)
      return { context, canonicalContext, lastEtag: undefined };
    const known: KnownContext = { context: deepFreeze(context), canonicalContext, lastEtag: undefined };
    const key = body.toString('latin1');
    const old = this.entries.get(key);
    if (old) this.bytes -= old.bytes;
    this.entries.set(key, { known, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    return known;
  }
}

/** Shared by later requests: frozen, so that nothing can change what another request will read. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}
