import { type FlagChange, kindOfKey } from '../flags/flag.js';
import type { FlagSnapshot, SnapshotEvent } from '../flags/flag-snapshot.js';
import { ALL_ENVIRONMENTS, type FlagView, flagView, type ReadScope } from '../flags/flag-view.js';
import { BoundedStream, type Sink } from './bounded-stream.js';

/**
 * One change as the subscribers of one read scope see it: the flag's view is built once per scope and
 * shared by every subscriber in it (GraphQL then only picks fields from it).
 */
export interface ScopedFlagChange {
  readonly change: FlagChange;
  readonly scope: ReadScope;
  /** The flag after an upsert, as the scope sees it; null for a delete. */
  readonly flag: FlagView | null;
}

/** Subscribers of one prefix, by read scope. */
type PrefixGroup = Map<ReadScope, Set<ChangeStream>>;

type ChangeStream = BoundedStream<ScopedFlagChange>;

export interface SubscriptionHubOptions {
  /**
   * How many changes may wait for one subscriber. Past it the subscriber is ended with a
   * {@link SlowConsumerError}, so a stalled client never holds memory without bound. Default 256.
   */
  maxQueuedChanges?: number;
  /** Told how many subscribers each change was handed to (metrics). */
  onDelivered?: (count: number) => void;
}

type CountListener = (count: number) => void;

/** Takes a subscriber's changes as they happen (see {@link Sink}). */
export type ChangeSink = Sink<ScopedFlagChange>;

/**
 * Fans the snapshot's changes out to `flagChanged` subscribers. It holds one snapshot listener for all
 * of them and groups subscribers by prefix, then read scope, so each change is matched once per prefix
 * and viewed once per scope, not once per subscriber; each subscriber gets its own bounded queue.
 */
export class SubscriptionHub {
  private readonly groups = new Map<string, PrefixGroup>();
  private readonly countListeners = new Set<CountListener>();
  private readonly maxQueued: number;
  private readonly onDelivered: (count: number) => void;
  private readonly stopListening: () => void;
  private count = 0;
  private closed = false;
  /** The last revision handed out: subscribers never see a revision go down. */
  private lastRevision = 0;

  constructor(snapshot: FlagSnapshot, options: SubscriptionHubOptions = {}) {
    this.maxQueued = options.maxQueuedChanges ?? 256;
    this.onDelivered = options.onDelivered ?? (() => {});
    // In revision order, released only through the revision this instance has seen everything up to.
    this.stopListening = snapshot.subscribe((event) => this.onSnapshotEvent(event), 'revision');
  }

  /** How many subscriptions are live on this instance. */
  get subscriberCount(): number {
    return this.count;
  }

  /**
   * With a `sink`, each change is handed to it synchronously, in order, instead of being queued, and the
   * stream only says when the subscription ends (a sink that throws ends it with that error).
   *
   * A stream of the changes to flags under `prefix`, as `scope` sees them (both already validated), and
   * to every segment, starting with the next one. It is registered before this returns, so no change
   * applied after the call is missed. It ends, and unregisters, on `return()`; after {@link close} it
   * ends at once.
   */
  subscribe(
    prefix: string,
    scope: ReadScope = ALL_ENVIRONMENTS,
    sink?: ChangeSink,
  ): AsyncIterableIterator<ScopedFlagChange> {
    const stream: ChangeStream = new BoundedStream(
      this.maxQueued,
      () => this.remove(prefix, scope, stream),
      sink,
    );
    if (this.closed) {
      stream.end();
      return stream;
    }
    let group = this.groups.get(prefix);
    if (!group) {
      group = new Map();
      this.groups.set(prefix, group);
    }
    let streams = group.get(scope);
    if (!streams) {
      streams = new Set();
      group.set(scope, streams);
    }
    streams.add(stream);
    this.setCount(this.count + 1);
    return stream;
  }

  /** Calls `listener` with the new count after every change to it (metrics, tests); returns an unsubscribe. */
  onCountChange(listener: CountListener): () => void {
    this.countListeners.add(listener);
    return () => this.countListeners.delete(listener);
  }

  /** Ends every subscription and stops listening to the snapshot. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    for (const group of [...this.groups.values()])
      for (const streams of [...group.values()]) for (const stream of [...streams]) stream.end();
  }

  private onSnapshotEvent(event: SnapshotEvent): void {
    if (event.type === 'change') this.dispatch(event.change);
    // After a reset, the difference between the old and new view is what subscribers missed.
    else for (const change of event.changes) this.dispatch(change);
  }

  private dispatch(change: FlagChange): void {
    // A reset's difference may hold a change older than one already sent (it turned up late, after
    // later revisions went out): sending it would break the order; the flags query has it. (Equal is
    // allowed: the flags a resync found deleted all carry its revision.)
    if (change.revision < this.lastRevision) return;
    this.lastRevision = change.revision;
    const { key } = change;
    const kind = kindOfKey(key);
    if (kind === 'environment') return; // not a `flagChanged` event
    let delivered = 0;
    const events = new ScopedEvents(change);
    if (kind === 'segment') {
      // Any flag may use any segment: every subscriber hears it, whatever its prefix or scope.
      for (const group of this.groups.values()) delivered += pushToGroup(group, events);
      if (delivered > 0) this.onDelivered(delivered);
      return;
    }
    // Whichever is fewer: the distinct prefixes, or the prefixes of this key (at most 129).
    if (this.groups.size <= key.length + 1) {
      for (const [prefix, group] of this.groups)
        if (key.startsWith(prefix)) delivered += pushToGroup(group, events);
    } else {
      for (let end = 0; end <= key.length; end++) {
        const group = this.groups.get(key.slice(0, end));
        if (group) delivered += pushToGroup(group, events);
      }
    }
    if (delivered > 0) this.onDelivered(delivered);
  }

  private remove(prefix: string, scope: ReadScope, stream: ChangeStream): void {
    const group = this.groups.get(prefix);
    const streams = group?.get(scope);
    if (!group || !streams?.delete(stream)) return;
    if (streams.size === 0) group.delete(scope);
    if (group.size === 0) this.groups.delete(prefix);
    this.setCount(this.count - 1);
  }

  private setCount(count: number): void {
    this.count = count;
    for (const listener of this.countListeners) listener(count);
  }
}

/** One change's event per read scope, each built the first time a subscriber in that scope needs it. */
class ScopedEvents {
  private readonly byScope = new Map<ReadScope, ScopedFlagChange>();

  constructor(private readonly change: FlagChange) {}

  of(scope: ReadScope): ScopedFlagChange {
    let event = this.byScope.get(scope);
    if (!event) {
      const { change } = this;
      const flag =
        change.kind === 'upsert' && change.flag.kind === 'flag' ? flagView(change.flag, scope) : null;
      event = { change, scope, flag };
      this.byScope.set(scope, event);
    }
    return event;
  }
}

/** Pushes to every stream of a prefix's group, in its scope's view; returns how many there were. */
function pushToGroup(group: PrefixGroup, events: ScopedEvents): number {
  let delivered = 0;
  for (const [scope, streams] of group) delivered += push(streams, events.of(scope));
  return delivered;
}

/** Pushes to every stream of the set; returns how many there were. */
function push(streams: ReadonlySet<ChangeStream>, event: ScopedFlagChange): number {
  const size = streams.size;
  // A push may end a stream (overflow), which deletes it from the set mid-iteration: safe for a Set,
  // whose iteration skips deleted members and visits the rest once, so no copy of 10,000 is made.
  for (const stream of streams) stream.push(event);
  return size;
}
