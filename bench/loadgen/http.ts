// HTTP load generator, run as its own process so that its CPU is not the server's: autocannon with the
// options given as JSON in argv[2]; prints one JSON line (LoadResult) on stdout.
import autocannon from 'autocannon';
import { ownCpuSince } from '../support/proc.js';
import type { LoadOptions, LoadResult } from './protocol.js';

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const start = Number(process.hrtime.bigint() / 1000n);
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  pipelining: 1,
  timeout: 10,
  ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 1 }),
  requests: options.requests,
});
const end = Number(process.hrtime.bigint() / 1000n);
const cpu = ownCpuSince(cpu0, t0);
const statusCodes: Record<string, number> = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
const out: LoadResult = {
  requests: result.requests.total,
  durationSeconds: result.duration,
  requestsPerSecond: result.requests.total / result.duration,
  bytes: result.throughput.total,
  latencyMs: {
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: result.latency.mean,
  },
  statusCodes,
  errors: result.errors,
  timeouts: result.timeouts,
  cpu,
  monotonicUs: { start, end },
};
process.stdout.write(`${JSON.stringify(out)}\n`);
