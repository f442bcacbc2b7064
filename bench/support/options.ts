import { join } from 'node:path';
import { SCENARIOS, type ScenarioId } from './results.js';
import { root } from './service-process.js';

export interface BenchOptions {
  quick: boolean;
  /** Where latest.md, latest.json and chart.svg go. */
  out: string;
  /** Flags seeded through the REST API before measuring (10% under `beta`). */
  flags: number;
  /** Alternating baseline/subject pairs per throughput scenario; the median of each is reported. */
  rounds: number;
  /** Length of each throughput run. */
  durationSeconds: number;
  /** autocannon connections for the throughput runs. */
  connections: number;
  /** Requests in the store-reads scenario. */
  polls: number;
  /** SSE clients in sse-fanout (and memory-sse). */
  clients: number;
  /** graphql-ws subscribers in subscription-fanout (and memory-subscription). */
  subscribers: number;
  /** Flag changes per fan-out scenario. */
  changes: number;
  /** Alternating baseline/service measurements per fan-out scenario. */
  fanoutRounds: number;
  /** At most this many connections per listener process (one open file each). */
  perProcess: number;
  /** Changes in the cross-instance scenario (one at a time). */
  crossChanges: number;
  /** Run only these scenarios. */
  only: ScenarioId[] | undefined;
  /** Extra node flags for the service processes (e.g. --cpu-prof). */
  serverNodeArgs: string[];
}

const USAGE = `npm run bench [-- options]
  --quick               everything small and fast (writes to bench/results/quick/ unless --out)
  --out <dir>           output directory (default bench/results)
  --flags <n>           flags seeded (default 1000; quick 200)
  --rounds <n>          baseline/subject pairs per throughput scenario (default 3; quick 1)
  --duration <s>        seconds per throughput run (default 5; quick 1)
  --connections <n>     autocannon connections (default 32)
  --polls <n>           requests in store-reads (default 10000)
  --clients <n>         SSE clients (default 10000; quick 200)
  --subscribers <n>     graphql-ws subscribers (default 10000; quick 200)
  --changes <n>         changes per fan-out scenario and round (default 20; quick 5)
  --fanout-rounds <n>   alternating baseline/service measurements per fan-out scenario (default 3, so the median is one round's; quick 1)
  --per-process <n>     connections per listener process (default 5000)
  --cross-changes <n>   changes in cross-instance (default 200; quick 20)
  --only <a,b,...>      only these scenarios: ${SCENARIOS.join(', ')}
  --cpu-prof            run the service processes with --cpu-prof (profiles in <out>/profiles)
  --server-node-arg <f> an extra node flag for the service processes (repeatable)`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, full: number, small = full): number => {
    const raw = value(name);
    if (raw === undefined) return quick ? small : full;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`${name} takes a positive integer, not ${raw}\n${USAGE}`);
    return n;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const out = value('--out') ?? join(root, 'bench/results', quick ? 'quick' : '');
  const only = value('--only')
    ?.split(',')
    .map((id) => {
      if (!(SCENARIOS as readonly string[]).includes(id)) throw new Error(`unknown scenario ${id}\n${USAGE}`);
      return id as ScenarioId;
    });
  const serverNodeArgs = argv.flatMap((arg, i) => (arg === '--server-node-arg' ? [argv[i + 1] ?? ''] : []));
  if (argv.includes('--cpu-prof'))
    serverNodeArgs.push('--cpu-prof', `--cpu-prof-dir=${join(out, 'profiles')}`);
  return {
    quick,
    out,
    flags: int('--flags', 1000, 200),
    rounds: int('--rounds', 3, 1),
    durationSeconds: int('--duration', 5, 1),
    connections: int('--connections', 32),
    polls: int('--polls', 10_000),
    clients: int('--clients', 10_000, 200),
    subscribers: int('--subscribers', 10_000, 200),
    changes: int('--changes', 20, 5),
    fanoutRounds: int('--fanout-rounds', 3, 1),
    perProcess: int('--per-process', 5000),
    crossChanges: int('--cross-changes', 200, 20),
    only,
    serverNodeArgs,
  };
}
