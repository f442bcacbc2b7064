import { AppError } from '../errors.js';
import { type FlagChange, kindOfKey } from '../flags/flag.js';
import type { FlagSnapshot, SnapshotEvent } from '../flags/flag-snapshot.js';

/** A subscriber fell more than `limit` changes behind and was cut off; its queue was dropped. */
export class SlowConsumerError extends AppError {
  constructor(readonly limit: number) {
    super(
      'SLOW_CONSUMER',
      `Subscription cut off: more than ${limit} changes were waiting; subscribe again and re-read the flags`,
      { limit },
    );
    this.name = 'SlowConsumerError';
  }
}

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

/**
 * Fans the snapshot's changes out to `flagChanged` subscribers. It holds one snapshot listener for all
 * of them and groups subscribers by prefix, so each change is matched once per prefix, not once per
 * subscriber; each subscriber gets its own bounded queue.
 */
export class SubscriptionHub {
  private readonly groups = new Map<string, Set<ChangeStream>>();
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
   * A stream of the changes to flags under `prefix` (already validated) and to every segment, starting
   * with the next one.
   * It is registered before this returns, so no change applied after the call is missed. It ends, and
   * unregisters, on `return()`; after {@link close} it ends at once.
   */
  subscribe(prefix: string): AsyncIterableIterator<FlagChange> {
    const stream = new ChangeStream(this.maxQueued, () => this.remove(prefix, stream));
    if (this.closed) {
      stream.end();
      return stream;
    }
    let group = this.groups.get(prefix);
    if (!group) {
      group = new Set();
      this.groups.set(prefix, group);
    }
    group.add(stream);
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
    for (const group of [...this.groups.values()]) for (const stream of [...group]) stream.end();
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
    if (kind === 'segment') {
      // Any flag may use any segment: every subscriber hears it, whatever its prefix.
      for (const group of this.groups.values()) delivered += push(group, change);
      if (delivered > 0) this.onDelivered(delivered);
      return;
    }

    // Whichever is fewer: the distinct prefixes, or the prefixes of this key (at most 129).
    if (this.groups.size <= key.length + 1) {
      for (const [prefix, group] of this.groups) if (key.startsWith(prefix)) delivered += push(group, change);
    } else {
      for (let end = 0; end <= key.length; end++) {
        const group = this.groups.get(key.slice(0, end));
        if (group) delivered += push(group, change);
      }
    }
    if (delivered > 0) this.onDelivered(delivered);
  }

  private remove(prefix: string, stream: ChangeStream): void {
    const group = this.groups.get(prefix);
    if (!group?.delete(stream)) return;
    if (group.size === 0) this.groups.delete(prefix);
    this.setCount(this.count - 1);
  }

  private setCount(count: number): void {
    this.count = count;
    for (const listener of this.countListeners) listener(count);
  }
}

/** Pushes to every stream of the group; returns how many there were. */
function push(group: ReadonlySet<ChangeStream>, change: FlagChange): number {
  const size = group.size;
  // A push may end a stream (overflow), which removes it from the group: iterate over a copy then.
  for (const stream of size === 1 ? group : [...group]) stream.push(change);
  return size;
}

interface Waiter {
  resolve(result: IteratorResult<FlagChange, undefined>): void;
  reject(error: unknown): void;
}

const DONE: IteratorResult<FlagChange, undefined> = { done: true, value: undefined };

/** One subscriber's bounded queue, read as an async iterator. */
class ChangeStream implements AsyncIterableIterator<FlagChange, undefined> {
  private queue: FlagChange[] = [];
  private readonly waiters: Waiter[] = [];
  private failure: Error | undefined;
  private ended = false;

  constructor(
    private readonly limit: number,
    private readonly onEnd: () => void,
  ) {}

  push(change: FlagChange): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ done: false, value: change });
    else if (this.queue.length < this.limit) this.queue.push(change);
    else this.fail(new SlowConsumerError(this.limit));
  }

  next(): Promise<IteratorResult<FlagChange, undefined>> {
    const change = this.queue.shift();
    if (change) return Promise.resolve({ done: false, value: change });
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<FlagChange, undefined>> {
    this.end();
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<FlagChange, undefined>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the stream: what is queued is dropped, pending reads finish, the hub forgets it. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    this.onEnd();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(DONE);
  }

  private fail(error: Error): void {
    // Only reached with an empty waiter list (a waiting reader takes the change instead).
    this.failure = error;
    this.end();
  }
}
