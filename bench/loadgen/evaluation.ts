// Local evaluation, in its own process: a flag with 5 rules and a percentage rollout evaluated for
// pre-built contexts, alternating with a bare Map lookup (what `isEnabled` did before flags decided).
// argv[2]: JSON EvaluationBenchOptions; prints one JSON line (EvaluationBenchResult).
import { evaluate, type FlagDefinition, type JsonValue } from '../../packages/core/src/index.js';
import { contexts, FLAG, FLAG_WITH_REGEX, SEGMENTS } from './evaluation-flag.js';
import { BATCH, type Run, timed } from './timing.js';

export interface EvaluationBenchOptions {
  /** Alternating baseline/subject pairs. */
  rounds: number;
  /** Length of each timed run. */
  seconds: number;
}

export interface EvaluationBenchResult {
  baseline: Run[];
  subject: Run[];
  /** FLAG_WITH_REGEX. */
  subjectWithRegex: Run[];
  /** Which layer decided, over the contexts (shows the rules are really walked). */
  decidedBy: Record<string, number>;
}

function main(): void {
  const options = JSON.parse(process.argv[2] ?? '{}') as EvaluationBenchOptions;
  const pool = contexts(4096);
  const mask = pool.length - 1;
  const flagKeys = Array.from({ length: 4096 }, (_, i) => `flag-${i}`);
  const bare = new Map<string, JsonValue>(flagKeys.map((key, i) => [key, i % 2 === 0]));
  const evaluation = { defaultValue: 'default', expectedType: 'string' as const, segments: SEGMENTS };

  const baselineBatch = (offset: number) => {
    let hits = 0;
    for (let i = 0; i < BATCH; i++) if (bare.get(flagKeys[(offset + i) & mask] as string) === true) hits++;
    return hits;
  };
  const batchOf = (flag: FlagDefinition) => (offset: number) => {
    let hits = 0;
    for (let i = 0; i < BATCH; i++)
      if (evaluate(flag, 'production', pool[(offset + i) & mask], evaluation).variant === 'treatment') hits++;
    return hits;
  };
  const subjectBatch = batchOf(FLAG);
  const regexBatch = batchOf(FLAG_WITH_REGEX);

  const decidedBy: Record<string, number> = {};
  for (const context of pool) {
    const { decision, errorCode, variant } = evaluate(FLAG, 'production', context, evaluation);
    if (evaluate(FLAG_WITH_REGEX, 'production', context, evaluation).variant !== variant)
      throw new Error('the two bench flags disagree');
    if (errorCode) throw new Error(`bench flag answered ${errorCode}`);
    const by = decision?.kind === 'rule' ? `rule ${decision.id}` : (decision?.kind ?? 'none');
    decidedBy[by] = (decidedBy[by] ?? 0) + 1;
  }
  // Warm both paths up (JIT) before timing.
  timed(Math.min(0.3, options.seconds), baselineBatch);
  timed(Math.min(0.3, options.seconds), subjectBatch);
  timed(Math.min(0.3, options.seconds), regexBatch);
  const result: EvaluationBenchResult = { baseline: [], subject: [], subjectWithRegex: [], decidedBy };
  for (let round = 0; round < options.rounds; round++) {
    result.baseline.push(timed(options.seconds, baselineBatch));
    result.subject.push(timed(options.seconds, subjectBatch));
    result.subjectWithRegex.push(timed(options.seconds, regexBatch));
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
