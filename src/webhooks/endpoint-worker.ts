import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import { type RetrySchedule, retryDelay } from './backoff.js';
import { describeEndpoint, endpointWants, type WebhookEndpoint } from './endpoint.js';
import { entryEvent, purgedEvent, type WebhookEvent } from './event.js';
import type { WebhookOutbox } from './outbox.js';
import { type AttemptOutcome, sendEvent } from './sender.js';

/** Entries one read of the history brings at most. */
const BATCH = 100;
/**
 * How soon to look again while the history has revisions this endpoint is behind that it cannot yet
 * pass (MongoDB: a revision taken by a write still in flight, or burned by one that lost its guard,
 * which readAfter passes once it is settled).
 */
const SETTLE_POLL_MS = 1000;
/**
 * How long stop() lets an attempt in flight finish (its answer then moves the cursor) before aborting
 * it: a graceful restart should not deliver again what the receiver already took, nor wait long.
 */
const STOP_GRACE_MS = 2000;
/**
 * The longest an instance not holding the lease goes without asking for it (it also asks on every
 * change): a lease released by a graceful stop is taken over within this, even with no writes.
 */
const STANDBY_CHECK_MS = 5000;

/** What a worker reports as it goes (metrics). */
export interface WorkerEvents {
  delivered(endpoint: string, seconds: number): void;
  failed(endpoint: string, reason: string, seconds: number): void;
  purged(endpoint: string, revisions: number): void;
}

export interface WorkerOptions {
  readonly endpoint: WebhookEndpoint;
  readonly audit: AuditLog;
  readonly outbox: WebhookOutbox;
  readonly storeId: string;
  /** This instance's id in leases. */
  readonly holder: string;
  /** Where a new endpoint's cursor starts (its `from`: the current revision, or the retention horizon). */
  readonly startRevision: () => Promise<number>;
  /** The newest revision this instance knows of (its snapshot's): for the lag, and to know more is due. */
  readonly latestRevision: () => number;
  readonly timeoutMs: number;
  readonly retry: RetrySchedule;
  readonly leaseMs: number;
  readonly events: WorkerEvents;
  readonly logger: Logger;
  readonly clock?: () => number;
}

/** The lease went to another instance (or could not be renewed): stop and acquire again. */
class LeaseLost extends Error {}
/** stop() was called. */
class Stopped extends Error {}

/**
 * Delivers one endpoint's entries, one at a time in revision order, from its cursor in the outbox:
 * read the history after the cursor, POST each entry the endpoint wants until it answers 2xx (retrying
 * with backoff, forever: an entry is never skipped), then move the cursor past it. The cursor moves
 * only after a 2xx, so a crash at any point delivers the entry again after the restart (at least once);
 * it never moves past an entry not delivered, so none is lost. Only the instance holding the
 * endpoint's lease delivers; it renews the lease every third of its length, while waiting too.
 *
 * Runs in the background: nothing here is awaited by a write. {@link poke} (a change committed) only
 * flips a flag and wakes the loop.
 */
export class EndpointWorker {
  private held = false;
  private renewedAt = 0;
  /** The revision delivered through, as this worker knows it (exact while it holds the lease). */
  private cursor = 0;
  private known = false;
  private dirty = true;
  private stopped = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly clock: () => number;
  private readonly log: Logger;
  /** When the entry being attempted committed (for its age); undefined while none is. */
  private attemptingSince: string | undefined;

  constructor(private readonly options: WorkerOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.logger.child(describeEndpoint(options.endpoint));
  }

  get name(): string {
    return this.options.endpoint.name;
  }

  /** Revisions this endpoint is behind this instance's newest (as of its last look when not delivering). */
  get lag(): number | undefined {
    return this.known ? Math.max(0, this.options.latestRevision() - this.cursor) : undefined;
  }

  get holdsLease(): boolean {
    return this.held;
  }

  /** Seconds since the entry now being attempted committed; 0 when none is. */
  get pendingAgeSeconds(): number {
    return this.attemptingSince === undefined
      ? 0
      : Math.max(0, (this.clock() - Date.parse(this.attemptingSince)) / 1000);
  }

  /** Creates the endpoint's cursor if it has none. Before `start`, so a new endpoint begins where asked. */
  async ensureCursor(): Promise<void> {
    this.cursor = await this.options.outbox.ensure(this.name, await this.options.startRevision());
    this.known = true;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** A change committed somewhere: look again soon. */
  poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  /**
   * Stops: no new attempt starts; one in flight gets {@link STOP_GRACE_MS} to be answered (and
   * recorded), then is aborted (and delivered again later). Then the lease goes.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const grace = setTimeout(() => this.abort.abort(), STOP_GRACE_MS);
    await this.loop;
    clearTimeout(grace);
    if (this.held) {
      this.held = false;
      await this.options.outbox.release(this.name, this.options.holder).catch(() => {});
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!(await this.holdLease())) {
          this.dirty = false;
          await this.pause(Math.min(this.options.leaseMs / 3, STANDBY_CHECK_MS), true);
          continue;
        }
        const progressed = await this.deliverBatch();
        failures = 0;
        if (progressed) continue;
        const behind = this.cursor < this.options.latestRevision();
        await this.pause(behind ? SETTLE_POLL_MS : this.options.leaseMs / 3, true);
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof LeaseLost) {
          this.log.info('webhook lease lost to another instance; it delivers now');
          continue;
        }
        // The store failed (the history or the outbox): try again, backing off like a delivery.
        failures++;
        const delay = retryDelay(this.options.retry, failures);
        this.held = false;
        this.log.warn({ err, retryInMs: delay }, 'webhook delivery paused: the store failed');
        await this.pause(delay, false);
      }
    }
  }

  /** Takes or renews the lease when due (every third of its length). Answers whether this worker delivers. */
  private async holdLease(): Promise<boolean> {
    const now = this.clock();
    if (this.held && now - this.renewedAt < this.options.leaseMs / 3) return true;
    const { outbox, holder, leaseMs } = this.options;
    let state = await outbox.acquire(this.name, holder, leaseMs, now);
    if (!state) {
      await this.ensureCursor();
      state = await outbox.acquire(this.name, holder, leaseMs, now);
      if (!state) throw new Error(`webhook cursor '${this.name}' vanished right after it was made`);
    }
    // Held all along, this worker's cursor is the stored one; newly taken, another may have moved it.
    if (!(this.held && state.held)) this.cursor = state.delivered;
    this.known = true;
    if (state.held && !this.held) this.log.info({ delivered: state.delivered }, 'webhook lease taken');
    this.held = state.held;
    if (state.held) this.renewedAt = now;
    return state.held;
  }

  /** One read of the history and the deliveries it calls for. Answers whether the cursor moved. */
  private async deliverBatch(): Promise<boolean> {
    this.dirty = false;
    const { audit, endpoint, storeId } = this.options;
    const from = this.cursor;
    const batch = await audit.readAfter(from, BATCH);
    if (batch.truncated) {
      const { purgedThrough } = await audit.oldestRetained();
      if (purgedThrough > from) {
        const event = purgedEvent(storeId, endpoint.name, from + 1, purgedThrough);
        this.log.error(
          { fromRevision: from + 1, throughRevision: purgedThrough, deliveryId: event.id },
          'webhook endpoint fell behind the audit retention: entries were purged before delivery; sending an entries-purged event in their place',
        );
        this.options.events.purged(endpoint.name, purgedThrough - from);
        await this.deliver(event);
        await this.advanceTo(purgedThrough);
        return true;
      }
    }
    for (const entry of batch.entries) {
      if (!endpointWants(endpoint.filter, entry)) continue;
      this.attemptingSince = entry.at;
      try {
        await this.deliver(entryEvent(storeId, endpoint.name, entry));
      } finally {
        this.attemptingSince = undefined;
      }
      await this.advanceTo(entry.revision);
    }
    // Over the entries left out by the filter and the revisions no change committed at, in one write.
    if (batch.through > this.cursor) await this.advanceTo(batch.through);
    return this.cursor > from;
  }

  /** POSTs `event` until a 2xx, as long as this worker holds the lease and runs. */
  private async deliver(event: WebhookEvent): Promise<void> {
    const { endpoint, timeoutMs, retry, events } = this.options;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) throw new Stopped();
      if (!(await this.holdLease())) throw new LeaseLost();
      const started = performance.now();
      const outcome: AttemptOutcome = await sendEvent(endpoint, event, attempt, timeoutMs, this.abort.signal);

      const seconds = (performance.now() - started) / 1000;
      if (outcome.ok) {
        events.delivered(endpoint.name, seconds);
        if (attempt > 1) this.log.info({ deliveryId: event.id, attempt }, 'webhook delivered after retries');
        return;
      }
      if (this.stopped) throw new Stopped();
      events.failed(endpoint.name, outcome.reason, seconds);
      const delay = retryDelay(retry, attempt, outcome.retryAfterMs);
      this.log.warn(
        { deliveryId: event.id, attempt, status: outcome.status, problem: outcome.detail, retryInMs: delay },
        'webhook delivery failed; retrying',
      );
      await this.waitHoldingLease(delay);
    }
  }

  /** Waits `ms`, renewing the lease meanwhile (a receiver may be down for hours). */
  private async waitHoldingLease(ms: number): Promise<void> {
    const until = this.clock() + ms;
    for (;;) {
      const left = until - this.clock();
      if (left <= 0) return;
      await this.pause(Math.min(left, this.options.leaseMs / 3), false);
      if (this.stopped) throw new Stopped();
      if (!(await this.holdLease())) throw new LeaseLost();
    }
  }

  private async advanceTo(revision: number): Promise<void> {
    if (!(await this.options.outbox.advance(this.name, this.options.holder, revision))) {
      this.held = false;
      throw new LeaseLost();
    }
    this.cursor = revision;
  }

  /** Sleeps `ms`; `stop()` ends it, and so does `poke()` when `wakeable` (or a poke already came). */
  private pause(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped || (wakeable && this.dirty)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = () => {
        if (wakeable || this.stopped) done();
      };
    });
  }
}
