import type { Flag, FlagChange } from './flag.js';
import { listByPrefix } from './flag.js';

/**
 * What a snapshot tells its listeners: one applied change, or that the whole view was replaced (after
 * a missed change was detected). A reset carries the difference between the old and the new view as
 * changes, so a listener can either forward them or start over from the new view.
 */
export type SnapshotEvent =
  | { readonly type: 'change'; readonly change: FlagChange }
  | { readonly type: 'reset'; readonly changes: readonly FlagChange[]; readonly revision: number };
export type SnapshotListener = (event: SnapshotEvent) => void;

/** How many recent deletes are remembered so a late, older upsert cannot resurrect a deleted flag. */
const TOMBSTONE_LIMIT = 10_000;

/**
 * This instance's in-memory view of every flag: what reads are answered from, so the hot path never
 * touches the store. Changes are applied by revision (a change older than what the view already holds
 * for that key is ignored), which makes applying the same change twice, or out of order, harmless.
 */
export class FlagSnapshot {
  private flags = new Map<string, Flag>();
  private tombstones = new Map<string, number>();
  private revision = 0;
  private readonly listeners = new Set<SnapshotListener>();

  /** The highest revision this view has applied or been loaded at. */
  get currentRevision(): number {
    return this.revision;
  }

  get size(): number {
    return this.flags.size;
  }

  /** Replaces the whole view, e.g. at start-up or after a missed change. */
  reset(flags: readonly Flag[], revision: number): void {
    const next = new Map(flags.map((flag) => [flag.key, flag]));
    const changes: FlagChange[] = [];
    for (const flag of next.values()) {
      const held = this.flags.get(flag.key);
      if (!held || held.revision !== flag.revision) {
        changes.push({ kind: 'upsert', key: flag.key, revision: flag.revision, flag });
      }
    }
    for (const held of this.flags.values()) {
      // The view does not say when the flag went away, only that it is gone by `revision`.
      if (!next.has(held.key))
        changes.push({ kind: 'delete', key: held.key, revision, version: held.version });
    }
    changes.sort((a, b) => a.revision - b.revision);
    this.flags = next;
    this.tombstones = new Map();
    this.revision = revision;
    for (const listener of this.listeners) listener({ type: 'reset', changes, revision });
  }

  get(key: string): Flag | null {
    return this.flags.get(key) ?? null;
  }

  /** Flags whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Flag[] {
    return listByPrefix(this.flags.values(), prefix);
  }

  /** Applies a change if it is newer than what the view holds; listeners hear only applied changes. */
  apply(change: FlagChange): boolean {
    const held = this.flags.get(change.key)?.revision ?? this.tombstones.get(change.key) ?? 0;
    if (change.revision <= held) return false;
    if (change.kind === 'upsert') {
      this.flags.set(change.key, change.flag);
      this.tombstones.delete(change.key);
    } else {
      this.flags.delete(change.key);
      this.rememberDelete(change.key, change.revision);
    }
    if (change.revision > this.revision) this.revision = change.revision;
    for (const listener of this.listeners) listener({ type: 'change', change });
    return true;
  }

  /** Returns a function that removes the listener. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private rememberDelete(key: string, revision: number): void {
    this.tombstones.delete(key);
    this.tombstones.set(key, revision);
    if (this.tombstones.size > TOMBSTONE_LIMIT) {
      const oldest = this.tombstones.keys().next();
      if (!oldest.done) this.tombstones.delete(oldest.value);
    }
  }
}
