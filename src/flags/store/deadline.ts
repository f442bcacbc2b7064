/** Thrown (as the cause of a StoreUnavailableError) when a store operation runs out of time. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  constructor(ms: number) {
    super(`the store did not answer within ${ms} ms`);
  }
}

/**
 * The time one store operation has, over all the commands it sends. Each command goes through
 * {@link Deadline.step}, which hands it an AbortSignal: when the time is up, the operation gets
 * {@link DeadlineExceededError} at once, a command still waiting for a server or a connection is never
 * sent, one waiting for its reply has its connection closed, and no further command is started. So an
 * operation given up on never goes on to write after its caller was told it failed; only a command
 * already on its way to the server may still run there.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => this.controller.abort(new DeadlineExceededError(ms)), ms);
  }

  /** Starts one command if time is left; settles with its outcome, or rejects when the time runs out first. */
  async step<T>(command: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { signal } = this.controller;
    signal.throwIfAborted();
    const sent = command(signal);
    // A command given up on still settles later (aborted, or ended by the socket timeout): nobody awaits it then.
    sent.catch(() => {});
    let onAbort = (): void => {};
    const expired = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([sent, expired]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the clock once the operation is over, so no timer outlives it. */
  end(): void {
    clearTimeout(this.timer);
  }
}
