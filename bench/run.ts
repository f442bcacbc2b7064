// `npm run bench [-- --quick] [-- --clients 10000 ...]`: every scenario, each server and load generator
// in its own process; writes latest.md, latest.json and chart.svg to bench/results/ (see --help).
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAsOf } from './scenarios/as-of.js';
import { runCrossInstance } from './scenarios/cross-instance.js';
import { runEvaluation } from './scenarios/evaluation.js';
import { COMPARISON_MEASURE, runEvaluatorComparison } from './scenarios/evaluator-comparison.js';
import { runFanout } from './scenarios/fanout.js';
import { OFREP_TARGET, runOfrepSingle } from './scenarios/ofrep.js';
import {
  BULK_FLAGS,
  BULK_TARGET_200,
  BULK_TARGET_304,
  ROTATION_CONTEXTS,
  runOfrepBulk,
} from './scenarios/ofrep-bulk.js';
import {
  DISTRIBUTION_KEYS,
  DISTRIBUTION_TARGET_PP,
  runRolloutDistribution,
} from './scenarios/rollout-distribution.js';
import { runStoreReads } from './scenarios/store-reads.js';
import { runThroughput } from './scenarios/throughput.js';
import { chart } from './support/chart.js';
import { log } from './support/log.js';
import { type BenchOptions, parseOptions } from './support/options.js';
import { describeMachine } from './support/proc.js';
import { summarizeProfiles } from './support/profiles.js';
import { markdown, summaryLine } from './support/report.js';
import {
  type BenchReport,
  failed,
  SCENARIOS,
  type ScenarioId,
  type ScenarioResult,
} from './support/results.js';
import { root } from './support/service-process.js';

/** What each scenario is held to, for the row of a scenario that could not run. */
const TARGETS: Record<ScenarioId, [measure: string, target: string]> = {
  'poll-304': ['req/s vs bare-node 304', '>= 0.5x'],
  'poll-200': ['req/s vs bare node serving the same bytes', '>= 0.5x'],
  'graphql-query': ['POST flags(prefix): req/s, p99', '>= 0.3x'],
  'graphql-get': ['GET flags(prefix): req/s, p99', '>= 0.3x'],
  'graphql-flag': ['POST flag(key): req/s, p99', '>= 0.3x'],
  'ofrep-single': ['POST /ofrep/v1/evaluate/flags/{key}: req/s vs bare node, p99', `>= ${OFREP_TARGET}x`],
  'ofrep-bulk-200': [
    `POST /ofrep/v1/evaluate/flags (${BULK_FLAGS} flags, one context): req/s vs bare node, p99`,
    `>= ${BULK_TARGET_200}x`,
  ],
  'ofrep-bulk-304': [
    `POST /ofrep/v1/evaluate/flags with If-None-Match (${BULK_FLAGS} flags): 304 req/s vs bare node`,
    `>= ${BULK_TARGET_304}x`,
  ],
  'ofrep-bulk-rotation': [
    `POST /ofrep/v1/evaluate/flags (${BULK_FLAGS} flags), ${ROTATION_CONTEXTS} contexts in rotation: req/s`,
    'report',
  ],
  bandwidth: ['bytes on the wire per poll, 304 vs 200', 'report'],
  'store-reads': ['store reads during warm polls', '0'],
  'as-of': [
    'latency of an asOf 10,000 changes back: REST list, OFREP single and bulk, cold / warm',
    'report',
  ],
  'sse-fanout': ['delivery latency p50/p99/max; events lost', 'p99 <= 250 ms, 0 lost'],
  'subscription-fanout': ['delivery latency p50/p99/max; events lost', 'p99 <= 500 ms, 0 lost'],
  'memory-sse': ['RSS delta / N idle SSE connections', '<= 20 KB'],
  'memory-subscription': ['RSS delta / N idle subscriptions', '<= 20 KB'],
  'cross-instance-sse': ['change on A, SSE client on B: p50/p99', 'p99 <= 20 ms'],
  'cross-instance-subscription': ['change on A, subscriber on B: p50/p99', 'p99 <= 20 ms'],
  'local-evaluation': [
    'evaluations/s on one core (5 rules + rollout) vs a bare Map lookup',
    '>= 1,000,000/s',
  ],
  'rollout-distribution': [
    `observed share per variant vs its weight over ${DISTRIBUTION_KEYS.toLocaleString('en-US')} keys; max deviation`,
    `<= ${DISTRIBUTION_TARGET_PP} pp`,
  ],
  'evaluator-comparison': [COMPARISON_MEASURE, 'report'],
};

/** Scenarios measured together (one set of processes), and how. */
const GROUPS: { ids: ScenarioId[]; run: (options: BenchOptions) => Promise<ScenarioResult[]> }[] = [
  {
    ids: ['poll-304', 'poll-200', 'graphql-query', 'graphql-get', 'graphql-flag', 'bandwidth'],
    run: runThroughput,
  },
  { ids: ['ofrep-single'], run: async (o) => [await runOfrepSingle(o)] },
  { ids: ['ofrep-bulk-200', 'ofrep-bulk-304', 'ofrep-bulk-rotation'], run: runOfrepBulk },
  { ids: ['store-reads'], run: async (o) => [await runStoreReads(o)] },
  { ids: ['as-of'], run: async (o) => [await runAsOf(o)] },
  {
    ids: ['sse-fanout', 'memory-sse'],
    run: async (o) => {
      const r = await runFanout(o, 'sse');
      return [r.latency, r.memory];
    },
  },
  {
    ids: ['subscription-fanout', 'memory-subscription'],
    run: async (o) => {
      const r = await runFanout(o, 'ws');
      return [r.latency, r.memory];
    },
  },
  {
    ids: ['cross-instance-sse', 'cross-instance-subscription'],
    run: (o) =>
      runCrossInstance({ changes: o.crossChanges, flags: o.flags, serverNodeArgs: o.serverNodeArgs }),
  },
  { ids: ['local-evaluation'], run: async (o) => [await runEvaluation(o)] },
  { ids: ['rollout-distribution'], run: async () => [runRolloutDistribution()] },
  { ids: ['evaluator-comparison'], run: async (o) => [await runEvaluatorComparison(o)] },
];

export async function runBench(options: BenchOptions, command: string): Promise<BenchReport> {
  const startedAt = new Date();
  const machine = describeMachine();
  const code = describeCode();
  const results = new Map<ScenarioId, ScenarioResult>();
  for (const group of GROUPS) {
    const wanted = group.ids.filter((id) => !options.only || options.only.includes(id));
    if (wanted.length === 0) continue;
    const started = performance.now();
    try {
      for (const result of await group.run(options))
        if (wanted.includes(result.id)) results.set(result.id, result);
    } catch (err) {
      log(
        `${group.ids.join(', ')} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      for (const id of wanted) results.set(id, failed(id, TARGETS[id][0], TARGETS[id][1], err));
    }
    for (const id of wanted) {
      const result = results.get(id);
      if (result) log(summaryLine(result));
    }
    log(`${group.ids.join(', ')}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const finishedAt = new Date();
  machine.loadAverage.end = describeMachine().loadAverage.end;
  const { only: _only, out: _out, ...recorded } = options;
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    command,
    code,
    quick: options.quick,
    options: recorded,
    machine,
    scenarios: SCENARIOS.flatMap((id) => results.get(id) ?? []),
  };
}

/** The commit being measured (read-only git queries); null outside a git checkout. */
function describeCode(): BenchReport['code'] {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return null;
  const status = git('status', '--porcelain', '--', 'src');
  return { commit: head.stdout.trim(), srcModified: status.stdout.trim() !== '' };
}

export async function writeReport(report: BenchReport, out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, 'latest.md'), markdown(report));
  await writeFile(join(out, 'chart.svg'), chart(report));
}

const args = process.argv.slice(2);
const options = parseOptions(args);
const command = ['npm run bench', ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
const report = await runBench(options, command);
await writeReport(report, options.out);
process.stdout.write(markdown(report));
log(`wrote latest.md, latest.json and chart.svg to ${options.out}`);
if (options.serverNodeArgs.includes('--cpu-prof')) {
  log(`profiles summed up in ${await summarizeProfiles(report, join(options.out, 'profiles'))}`);
}
