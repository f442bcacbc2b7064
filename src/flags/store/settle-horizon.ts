/**
 * How sure a reader can be that no more changes will commit at or below a revision, in a store whose
 * writers take a revision first and commit after (MongoDB): revisions commit out of order across
 * records, and a revision whose write lost its guard, or whose writer died, never commits at all.
 *
 * The bound that settles them: every store operation ends within its timeout (each command runs under
 * a Deadline that stops it from being sent later, see deadline.ts), so a revision taken at time t is
 * committed or abandoned by t + timeout. Two proofs follow, both with a margin:
 *
 * - From this instance's own clock: having read the counter at C by time t, every revision <= C was
 *   taken before t, so all are settled once `now - t` exceeds the window ({@link settledThrough}).
 * - From an entry's commit time (the writer's clock, which may differ from ours): every revision below
 *   that entry was taken before it, so all are settled once the entry is older than the window plus an
 *   allowance for clock skew ({@link vouchesBelow}).
 *
 * What stays open is what the tombstone grace leaves open too (mongo-store.ts): a server that holds a
 * received command for longer than the window and then runs it.
 */
export class SettleHorizon {
  /** (time, counter) pairs, oldest first; only those newer than the window plus the newest older one. */
  private samples: Array<{ at: number; counter: number }> = [];
  private readonly windowMs: number;

  constructor(
    timeoutMs: number,
    /** How far apart two instances' clocks may be. */
    private readonly skewMs = 60_000,
  ) {
    // Twice the timeout: the operation's own bound, and as much again for the wire and scheduling.
    this.windowMs = 2 * timeoutMs;
  }

  /** The revision counter was at least `counter` by time `at` (this process's clock, ms). */
  observe(counter: number, at: number): void {
    this.samples.push({ at, counter });
    // Keep the newest sample already past the window (it is the best proof) and every younger one.
    let firstYoung = this.samples.findIndex((sample) => sample.at > at - this.windowMs);
    if (firstYoung === -1) firstYoung = this.samples.length;
    if (firstYoung > 1) this.samples = this.samples.slice(firstYoung - 1);
    if (this.samples.length > 256) this.samples.splice(1, this.samples.length - 256);
  }

  /** Every revision at or below this one has committed or never will (0 when nothing is proven yet). */
  settledThrough(now: number): number {
    let settled = 0;
    for (const sample of this.samples) if (sample.at <= now - this.windowMs) settled = sample.counter;
    return settled;
  }

  /** Whether an entry committed at `committedAt` (epoch ms) is old enough that no revision below it can still commit. */
  vouchesBelow(committedAt: number, now: number): boolean {
    return committedAt <= now - this.windowMs - this.skewMs;
  }
}
