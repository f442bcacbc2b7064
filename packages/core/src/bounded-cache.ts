/**
 * A Map that keeps at most `capacity` entries, dropping the oldest inserted when full: compiled regular
 * expressions and parsed clause values are reused across evaluations, and a stream of distinct patterns
 * cannot grow memory without bound. (Insertion order rather than recency: a hit stays one Map lookup.)
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value for `key`, computing and storing it on a miss. */
  get(key: K, compute: (key: K) => V): V {
    const entries = this.#entries;
    const hit = entries.get(key);
    if (hit !== undefined || entries.has(key)) return hit as V;
    const value = compute(key);
    if (entries.size >= this.capacity) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, value);
    return value;
  }
}
