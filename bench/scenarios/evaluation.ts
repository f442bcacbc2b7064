// local-evaluation: @flagwire/core evaluating a flag with 5 rules and a rollout, in its own process on one
// thread, beside a bare Map lookup measured in the same process, alternately.
import type { EvaluationBenchOptions, EvaluationBenchResult } from '../loadgen/evaluation.js';
import { perCpuSecond, perWallSecond } from '../loadgen/timing.js';
import { runJsonChild } from '../support/child.js';
import type { BenchOptions } from '../support/options.js';
import { fmt, type ScenarioResult } from '../support/results.js';
import { median } from '../support/stats.js';

export const EVALUATION_TARGET = 1_000_000;

export async function runEvaluation(options: BenchOptions): Promise<ScenarioResult> {
  const args: EvaluationBenchOptions = { rounds: options.rounds, seconds: options.durationSeconds };
  const result = await runJsonChild<EvaluationBenchResult>('bench/loadgen/evaluation.ts', [
    JSON.stringify(args),
  ]);
  const subject = median(result.subject.map(perCpuSecond));
  const baseline = median(result.baseline.map(perCpuSecond));
  const subjectWall = median(result.subject.map(perWallSecond));
  const withRegex = median(result.subjectWithRegex.map(perCpuSecond));
  const cpu =
    result.subject.reduce((sum, r) => sum + r.cpuMs, 0) /
    result.subject.reduce((sum, r) => sum + r.wallMs, 0);
  return {
    id: 'local-evaluation',
    measure: 'evaluations/s on one core (5 rules + rollout) vs a bare Map lookup',
    result: `${fmt.int(subject)}/s (wall clock ${fmt.int(subjectWall)}/s; last rule a regex: ${fmt.int(withRegex)}/s)`,
    baseline: `Map.get ${fmt.int(baseline)}/s`,
    target: `>= ${fmt.int(EVALUATION_TARGET)}/s`,
    status: subject >= EVALUATION_TARGET ? 'met' : 'missed',
    cpu: `${cpu.toFixed(2)} cores`,
    details: {
      ...result,
      evaluationsPerCpuSecond: subject,
      evaluationsPerWallSecond: subjectWall,
      evaluationsWithRegexPerCpuSecond: withRegex,
      mapLookupsPerCpuSecond: baseline,
      comparedWith: 'flagd-core and unleash-client: the evaluator-comparison scenario',
    },
  };
}
