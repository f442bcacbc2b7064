import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ReadScope } from '../../flags/flag-view.js';

/** Live changes that arrived while the connection was still catching up from the change log. */
interface Held {
  changes: { revision: number; frame: Buffer }[];
  bytes: number;
  /** The snapshot was replaced meanwhile: the catch-up ends with a fresh snapshot instead. */
  reset: boolean;
}

/** What the change log gave a resuming client. */
export interface Replay {
  /** The logged changes in scope, in log (revision) order. */
  readonly frames: readonly Buffer[];
  /** Their revisions: a held live change among them is not sent twice. */
  readonly sent: ReadonlySet<number>;
}

/**
 * One client's event stream. Writes are bounded: a client that does not read fast enough is cut off
 * (it reconnects with `Last-Event-ID` and catches up from the log) instead of making the server buffer
 * for it without limit.
 */
export class Connection {
  private held: Held | undefined;
  /**
   * Ended, cut off or gone. A field kept current by events, not a getter over the response's own
   * state: it is read once per connection per change, and `res.destroyed`/`writableEnded` were 8% of
   * a 10,000-client fan-out.
   */
  private closed = false;

  constructor(
    readonly prefix: string,
    /** Whose view of the flags this client reads (its token's environment, `?environment=`, or all). */
    readonly scope: ReadScope,
    private readonly res: ServerResponse,
    private readonly maxBufferedBytes: number,
    private readonly logger: Logger,
  ) {
    this.closed = res.destroyed || res.writableEnded;
    res.once('close', () => {
      this.closed = true;
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Queues a frame. The frame just queued does not count against the bound, so a snapshot larger than
   * the bound can still be sent to a client that keeps up; what must not grow is the backlog before it.
   */
  write(frame: Buffer): void {
    if (!this.isOpen) return;
    this.res.write(frame);
    const backlog = this.res.writableLength - frame.length;
    if (backlog > this.maxBufferedBytes) this.cutOff(backlog);
  }

  /** Holds live changes back until {@link release}: the log read must come first, in revision order. */
  hold(): void {
    this.held = { changes: [], bytes: 0, reset: false };
  }

  /** A live change in scope: written now, or held while the connection catches up. */
  deliverChange(revision: number, frame: Buffer): void {
    const held = this.held;
    if (!held) {
      this.write(frame);
      return;
    }
    if (held.reset) return; // the fresh snapshot sent on release already contains it
    held.changes.push({ revision, frame });
    held.bytes += frame.length;
    if (held.bytes > this.maxBufferedBytes) this.cutOff(held.bytes);
  }

  /** The snapshot was replaced and the state in scope changed: `frame` is the fresh snapshot. */
  deliverReset(frame: Buffer): void {
    if (this.held) this.held = { changes: [], bytes: 0, reset: true };
    else this.write(frame);
  }

  /**
   * Ends the catch-up: writes the replay, then the held live changes it does not already hold, and goes
   * live. Without a usable replay, or when the snapshot was reset meanwhile, sends `snapshot()` instead:
   * every held change is already part of the current state.
   */
  release(replay: Replay | null, snapshot: () => Buffer): void {
    const held = this.held;
    this.held = undefined;
    if (!replay || held?.reset) {
      this.write(snapshot());
      return;
    }
    for (const frame of replay.frames) this.write(frame);
    for (const change of held?.changes ?? []) if (!replay.sent.has(change.revision)) this.write(change.frame);
  }

  /** Graceful end: `frame` (a retry hint) is the last thing the client reads. */
  end(frame: Buffer): void {
    if (!this.isOpen) return;
    this.closed = true;
    this.res.end(frame);
  }

  private cutOff(bufferedBytes: number): void {
    this.closed = true;
    this.held = undefined;
    this.logger.info(
      { prefix: this.prefix, scope: this.scope, bufferedBytes, maxBufferedBytes: this.maxBufferedBytes },
      'SSE client is not reading fast enough; stream cut off',
    );
    this.res.destroy();
  }
}
