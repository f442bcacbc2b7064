import { type AuditLog, MAX_AUDIT_PAGE } from '../audit/audit-log.js';
import { FlagEvaluator } from '../evaluation/flag-evaluator.js';
import { FlagSnapshot } from '../flags/flag-snapshot.js';
import { type AsOf, describeAsOf } from './as-of.js';
import { AsOfBeyondRetentionError, AsOfTooManyChangesError, IncompleteEntryError } from './history-errors.js';
import { Rewind } from './past-records.js';

/**
 * The flags, segments and environments at one revision, for reads: looked up, listed and evaluated
 * exactly as the live view is (the same snapshot type, the same evaluator).
 */
export interface FlagState {
  /** The revision the state is exact at (for the live view: its current revision). */
  readonly revision: number;
  /** True for this instance's live view: `asOf` at or after its current revision. */
  readonly live: boolean;
  readonly records: FlagSnapshot;
  readonly evaluator: FlagEvaluator;
}

export interface TimeTravelOptions {
  /** The most changes one `asOf` may undo (AS_OF_MAX_CHANGES): bounds a read's work and memory. */
  readonly maxChanges: number;
  /** How many rebuilt states are kept for repeated reads of the same moment (AS_OF_MEMO_STATES). */
  readonly memoStates: number;
}

/**
 * Answers "what was the state at revision r / at time t": the live view, taken back by undoing the
 * audit entries newer than the moment (past-records.ts). The one read that may do work beyond memory:
 * it reads the audit history (at most `maxChanges` entries, in pages) and is never on the path of a
 * read without `asOf`.
 *
 * Exactness. The live view may be ahead of what it is exact through: with concurrent writers (MongoDB)
 * a change can be applied before a lower revision has arrived. The view is exact through its released
 * revision (every revision up to it applied or known never to come), so the entries read reach down to
 * the lower of that and the target, and up to the newest revision the view holds: every change the view
 * holds above the target is undone, every change it may lack at or below the target is redone. The view
 * is copied and its revisions read in one synchronous step, before the history is read.
 *
 * Rebuilt states are kept (LRU, by revision) only when the target is at or below the released revision:
 * nothing can still commit there, so the state is final. A kept state is also where the next rebuild
 * below it starts from (stepping back through time undoes only the changes in between). Retention is checked on every read, kept
 * state or not: a moment the history no longer reaches is AS_OF_BEYOND_RETENTION, never an answer.
 */
export class TimeTravel {
  readonly live: FlagState;
  private readonly kept = new Map<number, FlagState>();
  private readonly building = new Map<number, Promise<FlagState>>();

  constructor(
    private readonly snapshot: FlagSnapshot,
    evaluator: FlagEvaluator,
    private readonly audit: AuditLog,
    private readonly options: TimeTravelOptions,
  ) {
    this.live = {
      get revision() {
        return snapshot.currentRevision;
      },
      live: true,
      records: snapshot,
      evaluator,
    };
  }

  /** How many rebuilt states are kept (tests, metrics). */
  get keptStates(): number {
    return this.kept.size;
  }

  /**
   * The state as of `asOf`: the live view when it is at or after this instance's current revision (a
   * moment in the future included), else the state rebuilt at the revision it names.
   * AS_OF_BEYOND_RETENTION when the history does not reach back there; AS_OF_TOO_MANY_CHANGES when it
   * lies more than `maxChanges` changes back; STORE_UNAVAILABLE when the history cannot be read.
   */
  async stateAt(asOf: AsOf): Promise<FlagState> {
    const target = 'revision' in asOf ? asOf.revision : await this.revisionAt(asOf.time);
    if (target >= this.snapshot.currentRevision) return this.live;
    const horizon = await this.audit.oldestRetained();
    if (target < horizon.purgedThrough) throw new AsOfBeyondRetentionError(describeAsOf(asOf), horizon);
    const kept = this.kept.get(target);
    if (kept) {
      this.kept.delete(target);
      this.kept.set(target, kept);
      return kept;
    }
    let pending = this.building.get(target);
    if (!pending) {
      pending = this.rebuild(target).finally(() => this.building.delete(target));
      this.building.set(target, pending);
    }
    return pending;
  }

  /** The revision of the last change committed at or before `time` (0 before the first change). */
  private async revisionAt(time: string): Promise<number> {
    const page = await this.audit.query({ until: time }, 1);
    const newest = page.entries[0];
    if (newest) return newest.revision;
    if (page.truncated) throw new AsOfBeyondRetentionError(time, await this.audit.oldestRetained());
    return 0;
  }

  private async rebuild(target: number): Promise<FlagState> {
    // From the nearest state kept above the target if there is one (it is exact at its revision: only
    // the changes in between are undone), else from the live view. One synchronous step: the newest
    // revision the view holds, the one it is exact through, and a copy of the view (Rewind's own).
    const base = this.nearestKeptAbove(target);
    const view = base?.records ?? this.snapshot;
    const newest = base ? base.revision : this.snapshot.currentRevision;
    const exactThrough = base ? base.revision : this.snapshot.releasedRevision;
    if (target >= newest) return this.live;
    const rewind = new Rewind(view.all(), target);
    try {
      await this.undo(rewind, Math.min(target, exactThrough), newest, target);
    } catch (err) {
      if (!(err instanceof IncompleteEntryError)) throw err;
      // States at or after that entry need no undoing of it: they are the oldest that can be had.
      throw new AsOfBeyondRetentionError(`revision ${target}`, {
        purgedThrough: err.revision,
        oldest: null,
      });
    }
    const past = new FlagSnapshot();
    past.reset(rewind.result(), target);
    const state: FlagState = {
      revision: target,
      live: false,
      records: past,
      evaluator: new FlagEvaluator(past),
    };
    if (target <= exactThrough && this.options.memoStates > 0) this.keep(target, state);
    return state;
  }

  /**
   * Feeds `rewind` the entries above `from` up to `through`, newest first, a page at a time (memory
   * holds one page); refused past `maxChanges` or the retention horizon.
   */
  private async undo(rewind: Rewind, from: number, through: number, target: number): Promise<void> {
    const filter = { sinceRevision: from + 1, untilRevision: through };
    let taken = 0;
    let cursor: string | undefined;
    for (;;) {
      const page = await this.audit.query(filter, MAX_AUDIT_PAGE, cursor);
      taken += page.entries.length;
      if (taken > this.options.maxChanges)
        throw new AsOfTooManyChangesError(`revision ${target}`, this.options.maxChanges);
      // Retention overtook the read: the entries just above `from` are gone.
      if (page.truncated)
        throw new AsOfBeyondRetentionError(`revision ${target}`, await this.audit.oldestRetained());
      rewind.apply(page.entries);
      if (page.nextCursor === null) return;
      cursor = page.nextCursor;
    }
  }

  /** The kept state with the lowest revision above `target`, if any. */
  private nearestKeptAbove(target: number): FlagState | undefined {
    let nearest: FlagState | undefined;
    for (const state of this.kept.values())
      if (state.revision > target && (!nearest || state.revision < nearest.revision)) nearest = state;
    return nearest;
  }

  private keep(revision: number, state: FlagState): void {
    this.kept.set(revision, state);
    while (this.kept.size > this.options.memoStates) {
      const oldest = this.kept.keys().next();
      if (oldest.done) break;
      this.kept.delete(oldest.value);
    }
  }
}
