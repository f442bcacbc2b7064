// evaluator-comparison: the local-evaluation flag (5 rules + rollout) in @flagwire/core, @openfeature/flagd-core
// (JSON-logic targeting with `fractional`) and unleash-client (offline: strategies with constraints, a
// gradual rollout), beside a bare Map lookup, alternately in one process on one thread (bench/compare/).
// The engines' answers are checked against Flagwire's before anything is timed.
import type { ComparisonOptions, ComparisonResult, EngineId } from '../loadgen/comparison-protocol.js';
import { perCpuSecond, perWallSecond } from '../loadgen/timing.js';
import { runJsonChild } from '../support/child.js';
import { ensureCompareInstalled } from '../support/compare-install.js';
import { log } from '../support/log.js';
import type { BenchOptions } from '../support/options.js';
import { fmt, type ScenarioResult } from '../support/results.js';
import { median } from '../support/stats.js';

export const COMPARISON_MEASURE =
  'evaluations/s on one core, same flag: Flagwire vs flagd-core vs unleash-client (offline)';

export async function runEvaluatorComparison(options: BenchOptions): Promise<ScenarioResult> {
  const notInstalled = await ensureCompareInstalled();
  if (notInstalled !== undefined) {
    log(`evaluator-comparison skipped: ${notInstalled}`);
    return {
      id: 'evaluator-comparison',
      measure: COMPARISON_MEASURE,
      result: `skipped: ${notInstalled}`,
      baseline: '—',
      target: 'report',
      status: 'skipped',
      cpu: '—',
      details: { skipped: notInstalled },
    };
  }
  const args: ComparisonOptions = { rounds: options.rounds, seconds: options.durationSeconds };
  const result = await runJsonChild<ComparisonResult>('bench/compare/measure.ts', [JSON.stringify(args)]);
  const rate = (engine: EngineId) => median(result.runs[engine].map(perCpuSecond));
  const flagwire = rate('flagwire');
  const versus = (engine: EngineId) =>
    `${fmt.int(rate(engine))}/s (Flagwire ${(flagwire / rate(engine)).toFixed(1)}x as fast)`;
  const { agreement } = result;
  const flagd = `@openfeature/flagd-core ${result.versions['@openfeature/flagd-core']}`;
  const unleash = `unleash-client ${result.versions['unleash-client']}`;
  const wallRates = Object.fromEntries(
    Object.entries(result.runs).map(([engine, runs]) => [engine, median(runs.map(perWallSecond))]),
  );
  return {
    id: 'evaluator-comparison',
    measure: COMPARISON_MEASURE,
    result:
      `Flagwire ${fmt.int(flagwire)}/s; ${flagd} ${versus('flagd')}; ${unleash} ${versus('unleash')}. ` +
      `Checked first over ${fmt.int(agreement.contexts)} contexts: flagd-core served Flagwire's variant every ` +
      `time; Unleash decided by the same rule every time, served the same variant outside splits ` +
      `(${fmt.int(agreement.unleashSameFixedVariant)}) and, hashing differently, the same shares in them`,
    baseline: `Map.get ${fmt.int(rate('map'))}/s`,
    target: 'report',
    status: 'reported',
    cpu: '1.00 cores (one thread)',
    details: {
      ...result,
      evaluationsPerCpuSecond: Object.fromEntries(
        Object.keys(result.runs).map((engine) => [engine, rate(engine as EngineId)]),
      ),
      evaluationsPerWallSecond: wallRates,
    },
  };
}
