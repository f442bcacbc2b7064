/** The variant a user was served in one round, and the treatment's share at that time. */
export interface HistoryEntry {
  round: number;
  share: number;
  /** undefined: the caller's default was answered (flag absent, wrong type, ...). */
  variant: string | undefined;
}

/** What one round changed. */
export interface RoundSummary {
  round: number;
  share: number;
  /** Users per variant served (undefined: the default). */
  counts: Map<string | undefined, number>;
  /** Users whose variant differs from the previous round's. */
  changed: number;
  /** Users sent back to control this round although they were in treatment and the share only grew since. */
  flipBacks: string[];
  /** The share shrank since the previous round: a rollback, from which flip-backs are counted afresh. */
  rolledBack: boolean;
}

/**
 * Every simulated user's history of variants (an entry each time it changes), and the flip-backs: a
 * user served `treatment` at some round, then `control` again, while the treatment's share never
 * shrank in between. A correct rollout has none (a user in treatment at 10% stays there at 50% and
 * 100%); a share that shrinks (a rollback) starts a new run, and leaving treatment then is expected.
 */
export class RolloutHistory {
  private readonly histories: HistoryEntry[][];
  /** Per user: the last round it was served treatment, -1 if never. */
  private readonly lastTreatment: Int32Array;
  private round = -1;
  private lastShare = Number.NEGATIVE_INFINITY;
  /** The first round of the current run of non-decreasing shares. */
  private runStart = 0;
  private flipBackTotal = 0;

  constructor(
    private readonly users: readonly string[],
    private readonly variants: { treatment: string; control: string },
  ) {
    this.histories = users.map(() => []);
    this.lastTreatment = new Int32Array(users.length).fill(-1);
  }

  /** Records what each user (in the constructor's order) was served while the treatment's share was `share`. */
  record(share: number, served: ReadonlyArray<string | undefined>): RoundSummary {
    if (served.length !== this.users.length)
      throw new Error(`expected ${this.users.length} answers, got ${served.length}`);
    this.round++;
    const rolledBack = share < this.lastShare;
    if (rolledBack) this.runStart = this.round;
    this.lastShare = share;
    const { treatment, control } = this.variants;
    const counts = new Map<string | undefined, number>();
    const flipBacks: string[] = [];
    let changed = 0;
    served.forEach((variant, i) => {
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
      if (variant === treatment) this.lastTreatment[i] = this.round;
      const history = this.histories[i] as HistoryEntry[];
      const previous = history.at(-1);
      if (previous && previous.variant === variant) return;
      if (previous) changed++;
      history.push({ round: this.round, share, variant });
      if (variant === control && (this.lastTreatment[i] as number) >= this.runStart)
        flipBacks.push(this.users[i] as string);
    });
    this.flipBackTotal += flipBacks.length;
    return { round: this.round, share, counts, changed, flipBacks, rolledBack };
  }

  /** The flip-backs of every round so far. */
  get flipBacks(): number {
    return this.flipBackTotal;
  }

  /** How many rounds were recorded. */
  get rounds(): number {
    return this.round + 1;
  }

  /** The variants `user` was served, one entry per change, oldest first (empty for an unknown user). */
  historyOf(user: string): readonly HistoryEntry[] {
    const index = this.users.indexOf(user);
    return index < 0 ? [] : (this.histories[index] as HistoryEntry[]);
  }

  /** Users served more than one variant so far. */
  get usersWhoMoved(): number {
    return this.histories.filter((history) => history.length > 1).length;
  }
}
