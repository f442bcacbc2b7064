// HTTP load generator, run as its own process so that its CPU is not the server's: autocannon with the
// options given as JSON in argv[2] (or in the file argv[2] names after an `@`); prints one JSON line
// (LoadResult) on stdout.
import { readFileSync } from 'node:fs';
import autocannon, { type AutocannonRequest } from 'autocannon';
import { ownCpuSince } from '../support/proc.js';
import type { LoadOptions, LoadResult } from './protocol.js';

// The options as JSON, or `@<file>` holding them (runLoad does so when they are large).
const argument = process.argv[2] ?? '{}';
const options = JSON.parse(
  argument.startsWith('@') ? readFileSync(argument.slice(1), 'utf8') : argument,
) as LoadOptions;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const start = Number(process.hrtime.bigint() / 1000n);
const { requests, bodies } = options;
let clients = 0;
/** Connection i of n cycles through `bodies` from i/n of the way (LoadOptions.bodies). */
const rotateBodies = (client: { setRequests(requests: AutocannonRequest[]): void }) => {
  const all = bodies ?? [];
  let next = Math.floor((clients++ * all.length) / options.connections);
  client.setRequests([
    { ...requests[0], setupRequest: (request) => ({ ...request, body: all[next++ % all.length] }) },
  ]);
};
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  pipelining: 1,
  timeout: 10,
  ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 1 }),
  requests: bodies ? requests.slice(0, 1) : requests,
  ...(bodies && { setupClient: rotateBodies }),
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
