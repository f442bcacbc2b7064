import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { describeEndpoint } from './endpoint.js';
import { EndpointWorker, type WorkerEvents } from './endpoint-worker.js';
import type { WebhookOutbox } from './outbox.js';

export interface WebhooksOptions {
  readonly config: Config['webhooks'];
  readonly audit: AuditLog;
  readonly outbox: WebhookOutbox;
  readonly storeId: string;
  /** Where new endpoints start with `from=now`: the store's current revision. */
  readonly currentRevision: () => Promise<number>;
  /** Wakes the workers on every change this instance learns of (its own writes and others'). */
  readonly snapshot: FlagSnapshot;
  readonly events: WorkerEvents;
  readonly logger: Logger;
}

/** Per endpoint, for /metrics. */
export interface EndpointStatus {
  readonly endpoint: string;
  readonly lag: number | undefined;
  readonly leaseHeld: boolean;
  readonly pendingAgeSeconds: number;
}

/**
 * The webhooks of one instance: a worker per configured endpoint (see EndpointWorker), woken by every
 * change the snapshot hears of. Writes never wait on any of it: the snapshot listener only pokes.
 */
export class Webhooks {
  private readonly workers: EndpointWorker[];
  private stopListening: (() => void) | undefined;

  constructor(private readonly options: WebhooksOptions) {
    const { config, audit, outbox, storeId, events, logger } = options;
    // Readable in the outbox (who delivers), unique per process.
    const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.workers = config.endpoints.map(
      (endpoint) =>
        new EndpointWorker({
          endpoint,
          audit,
          outbox,
          storeId,
          holder,
          startRevision: async () =>
            endpoint.from === 'oldest'
              ? (await audit.oldestRetained()).purgedThrough
              : options.currentRevision(),
          latestRevision: () => options.snapshot.currentRevision,
          timeoutMs: config.timeoutMs,
          retry: { minMs: config.retryMinMs, maxMs: config.retryMaxMs },
          leaseMs: config.leaseMs,
          events,
          logger,
        }),
    );
  }

  /**
   * Creates the cursors of new endpoints (so one starts with the writes after this resolves), then
   * starts delivering in the background. A store that fails here is logged and retried by the workers.
   */
  async start(): Promise<void> {
    await Promise.all(
      this.workers.map((worker) =>
        worker.ensureCursor().catch((err: unknown) => {
          this.options.logger.warn(
            { err, endpoint: worker.name },
            'webhook cursor not read at start; retrying in the background',
          );
        }),
      ),
    );
    this.stopListening = this.options.snapshot.subscribe(() => {
      for (const worker of this.workers) worker.poke();
    });
    for (const worker of this.workers) worker.start();
    if (this.workers.length > 0)
      this.options.logger.info(
        { webhooks: this.options.config.endpoints.map(describeEndpoint) },
        'webhooks delivering audit entries',
      );
  }

  status(): EndpointStatus[] {
    return this.workers.map((worker) => ({
      endpoint: worker.name,
      lag: worker.lag,
      leaseHeld: worker.holdsLease,
      pendingAgeSeconds: worker.pendingAgeSeconds,
    }));
  }

  async stop(): Promise<void> {
    this.stopListening?.();
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}
