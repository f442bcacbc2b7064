import type { CpuUse } from '../support/proc.js';

/** What `bench/loadgen/http.ts` is asked to do (argv[2], JSON). */
export interface LoadOptions {
  url: string;
  connections: number;
  /** Run for this long… */
  durationSeconds?: number;
  /** …or send exactly this many requests. */
  amount?: number;
  /** Cycled through by every connection, in order. */
  requests: { method: string; path: string; headers?: Record<string, string>; body?: string }[];
  /**
   * Bodies to rotate through: every request is `requests[0]` with the next of these as its body, each
   * connection starting at its own place (connection i of n at i/n of the way), so that connections do
   * not send the same body at the same moment (a server's memo would answer all but the first for free).
   * Built one request at a time: thousands of bodies cost the load generator nothing up front.
   */
  bodies?: string[];
}

/** What it prints (one JSON line on stdout). */
export interface LoadResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  /** Response bytes received, as autocannon counts them. */
  bytes: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  /** The load generator's own CPU during the run (process.cpuUsage). */
  cpu: CpuUse;
  /** CLOCK_MONOTONIC µs around the autocannon run (the clock of a --cpu-prof profile). */
  monotonicUs: { start: number; end: number };
}

/** Orchestrator → listener process (SSE clients or graphql-ws subscribers). */
export type ToListeners =
  | { type: 'connect'; url: string; prefix: string; count: number; concurrency: number }
  /** Send back the receipts and the CPU used, then stay connected. */
  | { type: 'report' }
  | { type: 'close' };

/** Listener process → orchestrator. */
export type FromListeners =
  /** Connecting; `live` of `count` can receive changes. */
  | { type: 'progress'; live: number; failed: number }
  | { type: 'ready'; live: number; failed: number; cpu: CpuUse }
  /** Every connection of this process has parsed the event of `revision`. */
  | { type: 'delivered'; revision: number }
  | { type: 'report'; report: ListenerReport }
  | { type: 'error'; message: string };

export interface ListenerReport {
  /** Connections that are live (snapshot read / subscription answering). */
  live: number;
  /** Connections that failed to open, or that ended or errored after opening. */
  failed: number;
  dropped: number;
  /** Per revision, when each connection had parsed its event (performance.timeOrigin + now(), ms). */
  receipts: Record<string, number[]>;
  /** Events that arrived twice or out of order on one connection. */
  duplicates: number;
  /** Since the change phase started (from `ready` on): CPU of this process. */
  cpu: CpuUse;
}

/** A clock that different processes on one machine share: epoch ms with sub-ms resolution. */
export const sharedNow = (): number => performance.timeOrigin + performance.now();
