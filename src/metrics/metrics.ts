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
