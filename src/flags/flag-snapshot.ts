import type { FlagChange, FlagRecord, RecordKind, StoredRecord } from './flag.js';
import { listFlags } from './flag.js';

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

/** How a listener hears changes: as soon as the view has them, or in revision order (streams). */
export type ListenerOrder = 'applied' | 'revision';

/**
 * This instance's in-memory view of every flag: what reads are answered from, so the hot path never
 * touches the store. Changes are applied by revision (a change older than what the view already holds
 * for that key is ignored), which makes applying the same change twice, or out of order, harmless.
 *
 * Two kinds of listeners. `applied` listeners (caches of the view) hear every change the moment the
 * view has it. `revision` listeners (event streams: SSE, GraphQL subscriptions) hear changes in strictly
 * increasing revision order, and only up to the revision released by whoever feeds the snapshot
 * ({@link holdUntilReleased}, {@link release}: the sync releases the revision through which it has seen
 * everything). Changes from concurrent writers reach an instance slightly out of order (58, 60, 59);
 * 60 waits until 59 arrives or is known never to come, so a client resuming from the last id it read
 * neither misses a change nor gets one twice. Without {@link holdUntilReleased} (tests, a snapshot
 * nothing feeds in order) both kinds hear changes at once.
 */
export class FlagSnapshot {
  private flags = new Map<string, StoredRecord>();
  private tombstones = new Map<string, number>();
  private revision = 0;
  private readonly listeners = new Set<SnapshotListener>();
  private readonly inOrderListeners = new Set<SnapshotListener>();
  private ordered = false;
  /** The revision through which `revision` listeners have been told everything. */
  private releasedThrough = 0;
  /** Applied changes above `releasedThrough`, waiting for the gap below them to close, by revision. */
  private readonly held = new Map<number, FlagChange>();

  /** The highest revision this view has applied or been loaded at. */
  get currentRevision(): number {
    return this.revision;
  }

  /**
   * The revision through which `revision` listeners have heard every change: the id of a snapshot sent
   * to a stream. The view may already hold newer changes; they are sent after it, in order.
   */
  get releasedRevision(): number {
    return this.ordered ? this.releasedThrough : this.revision;
  }

  /** How many applied changes wait for an earlier revision (tests, bounds). */
  get heldCount(): number {
    return this.held.size;
  }

  /**
   * From now on, `revision` listeners hear a change only once {@link release} reaches its revision. A
   * change applied at or below the released revision (it turned up after later ones were released: its
   * writer took longer than the sync waited) cannot be sent in order any more: those listeners hear it
   * as a `reset` at the released revision, so a stream re-sends the state in scope instead.
   */
  holdUntilReleased(): void {
    this.ordered = true;
    this.releasedThrough = Math.max(this.releasedThrough, this.revision);
  }

  /**
   * Every revision up to `through` has been seen (or is known never to come): tells `revision` listeners
   * the held changes up to it, oldest first. The in-order path (nothing held below) costs one Map entry.
   */
  release(through: number): void {
    if (!this.ordered || through <= this.releasedThrough) return;
    this.releasedThrough = through;
    if (this.held.size === 0) return;
    let due: FlagChange[];
    if (this.held.size === 1) {
      const only = this.held.values().next().value as FlagChange;
      if (only.revision > through) return;
      due = [only];
    } else {
      due = [];
      for (const change of this.held.values()) if (change.revision <= through) due.push(change);
      due.sort((a, b) => a.revision - b.revision);
    }
    for (const change of due) {
      this.held.delete(change.revision);
      this.emitInOrder({ type: 'change', change });
    }
  }

  get size(): number {
    return this.flags.size;
  }

  /** Replaces the whole view, e.g. at start-up or after a missed change. */
  reset(flags: readonly StoredRecord[], revision: number): void {
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
    if (!this.ordered) {
      this.emitInOrder({ type: 'reset', changes, revision });
      return;
    }
    // `revision` listeners have not heard the held changes the new view covers: they are part of the
    // difference for them (the view already held them, so `changes` does not). Held changes above
    // `revision` stay held.
    const unheard = [...changes];
    for (const change of this.held.values()) {
      if (change.revision <= revision) {
        this.held.delete(change.revision);
        unheard.push(change);
      }
    }
    unheard.sort((a, b) => a.revision - b.revision);
    this.releasedThrough = Math.max(this.releasedThrough, revision);
    this.emitInOrder({ type: 'reset', changes: unheard, revision: this.releasedThrough });
  }

  get(key: string): StoredRecord | null {
    return this.flags.get(key) ?? null;
  }

  /** Flags (no segments or environments) whose key starts with `prefix`, sorted by key. */
  list(prefix: string): FlagRecord[] {
    return listFlags(this.flags.values(), prefix);
  }

  /** Every record of one kind, in no particular order. */
  *records<K extends RecordKind>(kind: K): Iterable<Extract<StoredRecord, { kind: K }>> {
    for (const record of this.flags.values())
      if (record.kind === kind) yield record as Extract<StoredRecord, { kind: K }>;
  }

  /** Every record of every kind, in no particular order (time travel copies the view from here). */
  all(): Iterable<StoredRecord> {
    return this.flags.values();
  }

  /** Every flag's key: the prerequisite check of write-time validation walks them. */
  *flagKeys(): Iterable<string> {
    for (const record of this.flags.values()) if (record.kind === 'flag') yield record.key;
  }

  /**
   * Applies a change if it is newer than what the view holds; `applied` listeners hear only applied
   * changes. `revision` listeners also hear one the view already superseded, if it is above what
   * they have heard: their stream then matches the change log.
   */
  apply(change: FlagChange): boolean {
    const held = this.flags.get(change.key)?.revision ?? this.tombstones.get(change.key) ?? 0;
    if (change.revision <= held) {
      // Older than the view's (a later change to the key arrived first), but streams have not passed
      // it: they still send it, before the later one, as a replay from the log would.
      if (this.ordered && change.revision > this.releasedThrough && !this.held.has(change.revision))
        this.held.set(change.revision, change);
      return false;
    }
    if (change.kind === 'upsert') {
      this.flags.set(change.key, change.flag);
      this.tombstones.delete(change.key);
    } else {
      this.flags.delete(change.key);
      this.rememberDelete(change.key, change.revision);
    }
    if (change.revision > this.revision) this.revision = change.revision;
    for (const listener of this.listeners) listener({ type: 'change', change });
    if (!this.ordered) this.emitInOrder({ type: 'change', change });
    else if (change.revision > this.releasedThrough) this.held.set(change.revision, change);
    else this.emitInOrder({ type: 'reset', changes: [change], revision: this.releasedThrough });
    return true;
  }

  /**
   * Returns a function that removes the listener. `applied` (default): hears each change as soon as the
   * view has it. `revision`: hears changes in strictly increasing revision order, once released.
   */
  subscribe(listener: SnapshotListener, order: ListenerOrder = 'applied'): () => void {
    const set = order === 'applied' ? this.listeners : this.inOrderListeners;
    set.add(listener);
    return () => set.delete(listener);
  }

  private emitInOrder(event: SnapshotEvent): void {
    for (const listener of this.inOrderListeners) listener(event);
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
