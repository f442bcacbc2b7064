import type { Logger } from 'pino';
import type { PurgeOutcome, RetentionPolicy } from './audit-log.js';

export interface AuditRetentionOptions {
  /** How often retention runs with no writes to trigger it. Default one minute. */
  intervalMs?: number;
  /** The shortest gap between two runs triggered by writes (a burst of writes is one run). Default 1 s. */
  minGapMs?: number;
}

/**
 * Keeps the audit history within its retention (AUDIT_RETENTION_DAYS, AUDIT_RETENTION_COUNT): runs at
 * start, every `intervalMs`, and shortly after writes, never two runs at once. Each run purges in
 * bounded steps (the store's `purgeAudit`) until nothing is due, so no write ever waits for it and no
 * step holds the store long. A failure is logged and retried at the next run.
 */
export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;
  private soon: { timer: NodeJS.Timeout; fired: Promise<void> } | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lastRun = 0;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly minGapMs: number;

  constructor(
    private readonly purge: (policy: RetentionPolicy) => Promise<PurgeOutcome>,
    private readonly policy: RetentionPolicy,
    private readonly logger: Logger,
    options: AuditRetentionOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 60_000;
    this.minGapMs = options.minGapMs ?? 1000;
  }

  start(): void {
    this.run();
    this.timer = setInterval(() => this.run(), this.intervalMs);
    this.timer.unref();
  }

  /** A write committed: a run follows soon (at most one per `minGapMs`). */
  afterWrite(): void {
    if (this.stopped || this.soon) return;
    const wait = Math.max(0, this.lastRun + this.minGapMs - Date.now());
    let fire = () => {};
    const fired = new Promise<void>((resolve) => {
      fire = resolve;
    });
    const timer = setTimeout(() => {
      this.soon = undefined;
      this.run();
      fire();
    }, wait);
    timer.unref();
    this.soon = { timer, fired };
  }

  /** Resolves when no run is in progress or scheduled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.soon) await (this.running ?? this.soon?.fired);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon?.timer);
    this.soon = undefined;
    await this.idle();
  }

  private run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        this.lastRun = Date.now();
        try {
          let purged = 0;
          for (;;) {
            const outcome = await this.purge(this.policy);
            purged += outcome.purged;
            if (!outcome.more || this.stopped) break;
          }
          if (purged > 0) this.logger.info({ purged }, 'audit retention purged old entries');
        } catch (err) {
          this.logger.warn({ err }, 'audit retention failed; retrying at the next run');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }
}
