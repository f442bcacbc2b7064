import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** `ofrep`: OFREP's event streams (`refetchEvaluation` notifications), apart from the flag streams (`sse`). */
export type Transport = 'sse' | 'ofrep' | 'subscription' | 'websocket';

/**
 * Everything /metrics exposes, on a registry of this app's own (several apps may share a process, as
 * in tests). Names follow Prometheus conventions under the `flagwire_` prefix.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'flagwire_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status (answered before routing: polls as route "poll", OFREP evaluations as "ofrep-flag" and "ofrep-bulk")',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly pollResponses = new Counter({
    name: 'flagwire_poll_responses_total',
    help: 'GET /feature-flags answers by status: 304 saves the body, 200 sends it',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly eventsDelivered = new Counter({
    name: 'flagwire_events_delivered_total',
    help: 'Change events handed to SSE connections (flag streams, OFREP event streams) and GraphQL subscribers',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  readonly storeOperations = new Counter({
    name: 'flagwire_store_operations_total',
    help: 'Store calls by operation and outcome (error: the store failed or was unreachable)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly busErrors = new Counter({
    name: 'flagwire_bus_errors_total',
    help: 'Failed writes to the shared cache or change log (Redis); the change itself was committed',
    labelNames: ['part'] as const,
    registers: [this.registry],
  });

  readonly resyncs = new Counter({
    name: 'flagwire_resyncs_total',
    help: 'Times this instance noticed it missed a change and caught up: from the change log, or by reloading',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'flagwire_webhook_deliveries_total',
    help: 'Webhook events an endpoint answered 2xx (a redelivery after a crash counts again)',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });

  readonly webhookFailedAttempts = new Counter({
    name: 'flagwire_webhook_failed_attempts_total',
    help: 'Webhook attempts that failed and will be retried, by reason: status (not 2xx), timeout, network',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [this.registry],
  });

  readonly webhookAttemptDuration = new Histogram({
    name: 'flagwire_webhook_attempt_duration_seconds',
    help: 'How long one webhook attempt took, answered or not',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly webhookPurgedRevisions = new Counter({
    name: 'flagwire_webhook_purged_revisions_total',
    help: 'Revisions an endpoint fell behind by past the audit retention: their entries were purged undelivered (an entries-purged event was sent instead)',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'flagwire_' });
  }

  /** A gauge read at scrape time, e.g. open connections by transport. */
  connections(read: () => Record<Transport, number>): void {
    new Gauge({
      name: 'flagwire_connections',
      help: 'Open SSE streams (flag streams, OFREP event streams), GraphQL subscriptions and WebSockets',
      labelNames: ['transport'] as const,
      registers: [this.registry],
      collect() {
        for (const [transport, count] of Object.entries(read())) this.set({ transport }, count);
      },
    });
  }

  /** Per-endpoint webhook gauges, read at scrape time. */
  webhooks(
    read: () => ReadonlyArray<{
      endpoint: string;
      lag: number | undefined;
      leaseHeld: boolean;
      pendingAgeSeconds: number;
    }>,
  ): void {
    new Gauge({
      name: 'flagwire_webhook_lag_revisions',
      help: "Revisions an endpoint's delivery is behind this instance's newest (on an instance not holding its lease: as of its last lease check)",
      labelNames: ['endpoint'] as const,
      registers: [this.registry],
      collect() {
        for (const { endpoint, lag } of read()) if (lag !== undefined) this.set({ endpoint }, lag);
      },
    });
    new Gauge({
      name: 'flagwire_webhook_lease_held',
      help: 'Whether this instance delivers to the endpoint now (1) or another one does (0)',
      labelNames: ['endpoint'] as const,
      registers: [this.registry],
      collect() {
        for (const { endpoint, leaseHeld } of read()) this.set({ endpoint }, leaseHeld ? 1 : 0);
      },
    });
    new Gauge({
      name: 'flagwire_webhook_pending_age_seconds',
      help: 'Age of the entry this instance is trying to deliver to the endpoint (0: none waiting)',
      labelNames: ['endpoint'] as const,
      registers: [this.registry],
      collect() {
        for (const { endpoint, pendingAgeSeconds } of read()) this.set({ endpoint }, pendingAgeSeconds);
      },
    });
  }

  /** 1 when a dependency answers, 0 when not; probed at scrape time. */
  dependencies(probe: () => Promise<Record<string, boolean>>): void {
    new Gauge({
      name: 'flagwire_dependency_up',
      help: 'Whether the store and Redis answer (1) or not (0)',
      labelNames: ['dependency'] as const,
      registers: [this.registry],
      async collect() {
        for (const [dependency, up] of Object.entries(await probe())) this.set({ dependency }, up ? 1 : 0);
      },
    });
  }
}
