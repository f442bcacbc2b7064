// Local evaluation, in its own process: a flag with 5 rules and a percentage rollout evaluated for
// pre-built contexts, alternating with a bare Map lookup (what `isEnabled` did before flags decided).
// argv[2]: JSON EvaluationBenchOptions; prints one JSON line (EvaluationBenchResult).
import {
  type EvaluationContext,
  evaluate,
  FlagDefinition,
  type JsonValue,
  Segment,
} from '../../packages/core/src/index.js';

export interface EvaluationBenchOptions {
  /** Alternating baseline/subject pairs. */
  rounds: number;
  /** Length of each timed run. */
  seconds: number;
}

export interface Run {
  operations: number;
  wallMs: number;
  cpuMs: number;
}

export interface EvaluationBenchResult {
  baseline: Run[];
  subject: Run[];
  /** FLAG_WITH_REGEX. */
  subjectWithRegex: Run[];
  /** Which layer decided, over the contexts (shows the rules are really walked). */
  decidedBy: Record<string, number>;
}

const RULES = [
  {
    id: 'enterprise',
    clauses: [{ attribute: 'plan', op: 'in', values: ['enterprise', 'team'] }],
    serve: { variant: 'treatment' },
  },
  {
    id: 'staff',
    clauses: [
      { attribute: 'email', op: 'endsWith', values: ['@flagwire.dev'] },
      { attribute: 'country', op: 'notIn', values: ['FR'] },
    ],
    serve: { variant: 'treatment' },
  },
  {
    id: 'old-apps',
    clauses: [{ attribute: 'appVersion', op: 'semverLt', values: ['2.0.0'] }],
    serve: { variant: 'legacy' },
  },
  {
    id: 'beta',
    clauses: [{ op: 'segmentMatch', values: ['beta-testers'] }],
    serve: {
      rollout: {
        weights: [
          { variant: 'treatment', weight: 50 },
          { variant: 'control', weight: 50 },
        ],
      },
    },
  },
  {
    id: 'bots',
    clauses: [{ attribute: 'userAgent', op: 'startsWith', values: ['Googlebot', 'bingbot'] }],
    serve: { variant: 'control' },
  },
] as const;

/** The flag measured: 5 rules (most contexts walk all of them), then a 10/90 rollout. */
export const FLAG = flagWith(RULES);

/** The same with its last rule a regular expression (re2js), measured beside it. */
export const FLAG_WITH_REGEX = flagWith([
  ...RULES.slice(0, 4),
  {
    id: 'bots',
    clauses: [{ attribute: 'userAgent', op: 'matches', values: ['(?i)bot|crawler|spider'] }],
    serve: { variant: 'control' },
  },
]);

function flagWith(rules: readonly unknown[]): FlagDefinition {
  return FlagDefinition.parse({
    key: 'checkout.new-flow',
    type: 'string',
    variants: { control: 'v1', treatment: 'v2', off: 'v0', legacy: 'v-legacy' },
    environments: {
      production: {
        enabled: true,
        offVariant: 'off',
        rules,
        fallthrough: {
          rollout: {
            weights: [
              { variant: 'treatment', weight: 10_000 },
              { variant: 'control', weight: 90_000 },
            ],
          },
        },
      },
    },
  });
}

const SEGMENTS = new Map([
  [
    'beta-testers',
    Segment.parse({
      key: 'beta-testers',
      included: Array.from({ length: 100 }, (_, i) => `user-${i * 97}`),
      rules: [{ clauses: [{ attribute: 'betaOptIn', op: 'in', values: ['true'] }] }],
    }),
  ],
]);

/** Varied contexts: ~1% enterprise, ~1% staff, ~10% old apps, ~1% beta, ~1% bots; the rest reach the rollout. */
export function contexts(count: number): EvaluationContext[] {
  const plans = ['free', 'free', 'free', 'pro', 'pro'];
  return Array.from({ length: count }, (_, i) => ({
    targetingKey: `user-${i}`,
    plan: i % 100 === 1 ? 'enterprise' : (plans[i % plans.length] as string),
    email: i % 100 === 2 ? `u${i}@flagwire.dev` : `u${i}@example.com`,
    country: ['US', 'FR', 'DE', 'JP'][i % 4] as string,
    appVersion: i % 10 === 3 ? '1.9.2' : `2.${i % 7}.${i % 3}`,
    betaOptIn: i % 100 === 4,
    userAgent: i % 100 === 5 ? 'Googlebot/2.1' : 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
  }));
}

function timed(seconds: number, batch: (n: number) => number): Run {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  let operations = 0;
  let sink = 0;
  do {
    sink += batch(operations);
    operations += 10_000;
  } while (performance.now() < until);
  const cpu = process.cpuUsage(cpuStart);
  if (sink === -1) process.stderr.write('unreachable\n'); // keeps the work observable
  return { operations, wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
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
    for (let i = 0; i < 10_000; i++) if (bare.get(flagKeys[(offset + i) & mask] as string) === true) hits++;
    return hits;
  };
  const batchOf = (flag: FlagDefinition) => (offset: number) => {
    let hits = 0;
    for (let i = 0; i < 10_000; i++)
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
