import { AppError } from '../errors.js';

/** A subscriber fell more than `limit` items behind and was cut off; its queue was dropped. */
export class SlowConsumerError extends AppError {
  constructor(
    readonly limit: number,
    unit: 'changes' | 'bytes' = 'changes',
  ) {
    super(
      'SLOW_CONSUMER',
      `Subscription cut off: more than ${limit} ${unit} were waiting; subscribe again and re-read the flags`,
      { limit, unit },
    );
    this.name = 'SlowConsumerError';
  }
}

/**
 * Takes a subscriber's items as they happen instead of queueing them (the WebSocket transport's direct
 * delivery); throws to cut the subscriber off, e.g. with {@link SlowConsumerError}.
 */
export type Sink<T> = (item: T) => void;

interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
}

const DONE: IteratorResult<never, undefined> = { done: true, value: undefined };

/**
 * One subscriber's bounded queue, read as an async iterator: what a GraphQL subscription resolver
 * returns. A subscriber whose queue would pass `limit` is cut off with {@link SlowConsumerError}, so a
 * stalled client never holds memory without bound. With a `sink`, items skip the queue and go straight
 * to it (the iterator then only reports the end or a failure).
 */
export class BoundedStream<T> implements AsyncIterableIterator<T, undefined> {
  private queue: T[] = [];
  private readonly waiters: Waiter<T>[] = [];
  private failure: Error | undefined;
  private ended = false;

  constructor(
    private readonly limit: number,
    private readonly onEnd: () => void,
    private readonly sink?: Sink<T>,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.sink) {
      try {
        this.sink(item);
      } catch (error) {
        this.failWith(error instanceof Error ? error : new Error(String(error)));
      }
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ done: false, value: item });
    else if (this.queue.length < this.limit) this.queue.push(item);
    else this.fail(new SlowConsumerError(this.limit));
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.queue.length > 0) return Promise.resolve({ done: false, value: this.queue.shift() as T });
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.end();
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the stream: what is queued is dropped, pending reads finish, its owner forgets it. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    this.onEnd();
    for (const waiter of this.waiters.splice(0)) waiter.resolve(DONE);
  }

  private fail(error: Error): void {
    // Only reached with an empty waiter list (a waiting reader takes the item instead).
    this.failure = error;
    this.end();
  }

  /** Fails the stream whether or not a reader is waiting (with a sink, one always is). */
  private failWith(error: Error): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.fail(error);
      return;
    }
    this.end();
    waiter.reject(error);
  }
}
