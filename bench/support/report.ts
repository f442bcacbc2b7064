import type { BenchReport, ScenarioResult, Status } from './results.js';

const MARK: Record<Status, string> = {
  met: 'met',
  missed: '**missed**',
  reported: 'reported',
  skipped: 'skipped',
  failed: '**failed**',
};

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The markdown report: the table, then the machine and the method; also what the README shows. */
export function markdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `Measured ${report.finishedAt.slice(0, 10)} with \`${report.command}\` (${Math.round(report.durationSeconds)} s)` +
      (report.code
        ? ` at commit ${report.code.commit}${report.code.srcModified ? ' (src/ modified)' : ''}`
        : '') +
      ': ' +
      `${m.cores} cores (${m.cpuModel}), ${m.totalMemoryGiB} GiB, Node ${m.node}, ${m.platform} ${m.kernel}, ` +
      `open-files limit ${m.openFilesLimit ?? 'unknown'}; load average ${m.loadAverage.start.toFixed(2)} at the start, ` +
      `${m.loadAverage.end.toFixed(2)} at the end (a shared machine).`,
    '',
    '| scenario | measure | result | baseline (same run) | target | status | CPU (cores) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.scenarios.map(
      (s) =>
        `| ${s.id} | ${cell(s.measure)} | ${cell(s.result)} | ${cell(s.baseline)} | ${cell(s.target)} | ${MARK[s.status]} | ${cell(s.cpu)} |`,
    ),
    '',
  ];
  const failures = report.scenarios.filter((s) => s.error);
  if (failures.length > 0) {
    lines.push('Failures:', '', ...failures.map((s) => `- ${s.id}: ${cell(s.error ?? '')}`), '');
  }
  const o = report.options;
  lines.push(
    `How: every server, load generator and listener is its own process; the service is seeded with ${String(o.flags)} flags ` +
      '(10% under `beta`) through its REST API. The throughput scenarios (poll-*, graphql-*) run the service as users ' +
      'run it: `NODE_ENV=production` with admin and client tokens, every measured request carrying the client token. ' +
      "Throughput is the service's req/s divided by that of a bare `node:http` " +
      'server (its own process) sending byte-identical responses, the median of ' +
      `${String(o.rounds)} alternating baseline/subject runs of ${String(o.durationSeconds)} s each, autocannon with ` +
      `${String(o.connections)} connections in a third process. Fan-out: the listeners are spread over processes of at most ` +
      `${String(o.perProcess)} connections; changes are written one at a time; latency runs from just before the write ` +
      'request is sent to the moment each listener has parsed the event (a clock shared by the processes), and every ' +
      'listener must get every change (lost = listeners x changes - deliveries). The fan-out baseline is a bare ' +
      '`node:http`/`ws` server writing the same events to the same listeners; baseline and service alternate over ' +
      `${String(o.fanoutRounds)} rounds of fresh listeners, and the fan-out ratio is the median of the rounds' p99 ratios. ` +
      'Memory: server RSS before and after ' +
      'the idle connections, divided by their number (no forced GC). Server CPU from /proc/<pid>/stat, load ' +
      'generators and listeners from process.cpuUsage(); 1.00 = one core. Local evaluation: @flagwire/core in its own ' +
      'process on one thread, a flag with 5 rules and a rollout over 4,096 varied contexts, alternating with a bare ' +
      '`Map.get` in the same process; rates are per CPU-second of that process (the wall-clock rate, lower on a ' +
      "shared machine, is shown too). Rollout distribution: each variant's share of 100,000 distinct keys " +
      "(user-0 .. user-99999) under @flagwire/core's evaluate, against its weight (not timed). Evaluator " +
      'comparison: the same flag in @flagwire/core, @openfeature/flagd-core and unleash-client (offline), beside ' +
      'a bare `Map.get`, alternately in one process (bench/compare/, installed on demand), after checking that ' +
      "every engine gives Flagwire's answers over 20,000 contexts. Every run in detail: latest.json.",
    '',
  );
  return lines.join('\n');
}

export function summaryLine(s: ScenarioResult): string {
  return `${s.id}: ${s.result} [${s.status}]${s.error ? ` ${s.error}` : ''}`;
}
