// Timed loops for the in-process evaluation benches (local-evaluation, evaluator-comparison).

export interface Run {
  operations: number;
  wallMs: number;
  cpuMs: number;
}

/** Operations per timed batch: `batch(offset)` must do exactly this many. */
export const BATCH = 10_000;

/**
 * Calls `batch` (BATCH operations from `offset`, answering a count so the work cannot be optimised away)
 * until `seconds` have passed; the process's CPU time is measured beside the wall clock.
 */
export function timed(seconds: number, batch: (offset: number) => number): Run {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  let operations = 0;
  let sink = 0;
  do {
    sink += batch(operations);
    operations += BATCH;
  } while (performance.now() < until);
  const cpu = process.cpuUsage(cpuStart);
  if (sink === -1) process.stderr.write('unreachable\n'); // keeps the work observable
  return { operations, wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Operations per CPU-second (one thread: per core, whatever else the shared machine is doing). */
export const perCpuSecond = (run: Run) => run.operations / (run.cpuMs / 1000);
export const perWallSecond = (run: Run) => run.operations / (run.wallMs / 1000);
