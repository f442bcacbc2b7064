// Change-to-delivery latency for SSE and GraphQL subscriptions, on the instance that took the write
// and on another instance (2 service processes sharing one store and one Redis). Light load: one write
// at a time, each waited for on every client before the next. `npm run bench` runs the same
// measurement as its cross-instance scenario.
//   npx tsx bench/delivery-latency.ts [--changes 200]
import { cpus } from 'node:os';
import { measureCrossInstance } from './scenarios/cross-instance.js';
import { round, summarize } from './support/stats.js';

const changes = Number(process.argv[process.argv.indexOf('--changes') + 1] || 200);
const run = await measureCrossInstance({ changes, flags: 0, serverNodeArgs: [] });
process.stdout.write(
  `delivery latency, ${changes} changes, ms from just before the write request to the parsed event\n` +
    `machine: ${cpus().length} cores, node ${process.version}; store: ${run.store}; 2 service processes + Redis\n\n` +
    '| client | p50 | p99 | max |\n| --- | --- | --- | --- |\n',
);
for (const [name, values] of Object.entries(run.samples)) {
  const s = summarize(values);
  process.stdout.write(`| ${name} | ${round(s.p50)} | ${round(s.p99)} | ${round(s.max)} |\n`);
}
