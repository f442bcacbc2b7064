import type { CpuUse, Machine } from './proc.js';

/** Every scenario `npm run bench` runs, in report order. */
export const SCENARIOS = [
  'poll-304',
  'poll-200',
  'graphql-query',
  'graphql-get',
  'graphql-flag',
  'ofrep-single',
  'ofrep-bulk-200',
  'ofrep-bulk-304',
  'ofrep-bulk-rotation',
  'bandwidth',
  'store-reads',
  'as-of',
  'sse-fanout',
  'subscription-fanout',
  'memory-sse',
  'memory-subscription',
  'cross-instance-sse',
  'cross-instance-subscription',
  'local-evaluation',
  'rollout-distribution',
  'evaluator-comparison',
] as const;

export type ScenarioId = (typeof SCENARIOS)[number];

/**
 * `met`/`missed` against a target; `reported` where the issue asks only for the figure; `skipped` when
 * what it needs cannot be had here (the reason is its result).
 */
export type Status = 'met' | 'missed' | 'reported' | 'skipped' | 'failed';

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export interface ScenarioResult {
  id: ScenarioId;
  /** What is measured, e.g. "req/s vs bare-node 304". */
  measure: string;
  /** The figure, human-readable. */
  result: string;
  /** The baseline it is compared with, measured in the same run, human-readable. */
  baseline: string;
  target: string;
  status: Status;
  /** Server / load-generator CPU, human-readable. */
  cpu: string;
  /** Subject ÷ baseline throughput (median of the alternating runs), for the chart. */
  ratio?: number;
  /** The ratio of each baseline/subject pair, for the chart (the spread shows the noise). */
  roundRatios?: number[];
  /**
   * Delivery or request latency in ms, for the chart; `targetP99` when there is one, `baselineP99` when
   * the same was measured against a bare node server.
   */
  latency?: LatencySummary & { targetP99?: number; baselineP99?: number };
  /** Server RSS per idle connection in KB, the service's and the bare node server's, for the chart. */
  memoryKb?: { subject: number; baseline?: number };
  /**
   * The measured service processes and the CLOCK_MONOTONIC µs windows of the measurement, for summing
   * up their `--cpu-prof` profiles (bench/profile-summary.ts).
   */
  profile?: { pid: number; label?: string; windows: [number, number][] }[];
  /** Everything measured, for latest.json. */
  details: Record<string, unknown>;
  error?: string;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  command: string;
  /** The commit measured, and whether src/ had uncommitted changes then. */
  code: { commit: string; srcModified: boolean } | null;
  quick: boolean;
  options: Record<string, unknown>;
  machine: Machine;
  scenarios: ScenarioResult[];
}

/** A scenario that could not run: it still appears, marked failed, with the reason. */
export function failed(id: ScenarioId, measure: string, target: string, error: unknown): ScenarioResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    id,
    measure,
    result: '—',
    baseline: '—',
    target,
    status: 'failed',
    cpu: '—',
    details: {},
    error: message,
  };
}

export const fmt = {
  int: (x: number) => Math.round(x).toLocaleString('en-US'),
  ms: (x: number) => (x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(x >= 10 ? 1 : 2)} ms`),
  ratio: (x: number) => `${x.toFixed(2)}x`,
  kb: (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`,
  cores: (cpu: CpuUse) => `${cpu.cores.toFixed(2)} cores`,
};
