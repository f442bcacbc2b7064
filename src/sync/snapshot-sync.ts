import type { Logger } from 'pino';
import type { FlagCache, FlagSet } from '../cache/flag-cache.js';
import type { ChangeFeed } from '../feed/change-feed.js';
import type { ChangeLog } from '../feed/change-log.js';
import type { FlagChange } from '../flags/flag.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import type { FlagStore } from '../flags/store/flag-store.js';

export interface SnapshotSyncOptions {
  /**
   * How often to ask the store for its revision, to notice a change whose message was lost while
   * nothing else changed. 0 disables it (one process owns the store: nothing can be missed).
   */
  checkIntervalMs: number;
  /**
   * Whether the change log is shared by every instance (Redis). If not, a change made elsewhere can
   * only be recovered by reloading everything.
   */
  sharedLog: boolean;
  /** Told how each repair went: caught up from the log, or reloaded everything (metrics). */
  onRepair?: (kind: 'log' | 'reload') => void;
  /**
   * How long a revision that a catch-up found missing from the log is looked for again (default 30 s):
   * the longest a write may take from taking its revision to appending its change. See
   * {@link SnapshotSync}.
   */
  lateChangeWindowMs?: number;
  /**
   * How long a change that skipped revisions is held back from event streams (default 250 ms) while
   * the revisions below it may still arrive: concurrent writers publish slightly out of revision order.
   * Past it, the sync reads the change log for them. See {@link SnapshotSync}.
   */
  orderHoldMs?: number;
}

const DEFAULT_LATE_CHANGE_WINDOW_MS = 30_000;
/** The first look for a late change, doubling up to {@link LATE_CHANGE_MAX_DELAY_MS}. */
const LATE_CHANGE_FIRST_DELAY_MS = 50;
const LATE_CHANGE_MAX_DELAY_MS = 5_000;
/** Bounds the revisions one catch-up looks for again (memory, and the length of each log read). */
const MAX_LATE_REVISIONS = 1_000;
const DEFAULT_ORDER_HOLD_MS = 250;
/** Past this many changes waiting above a gap, the log is read at once (bounds what streams hold). */
const MAX_HELD_CHANGES = 1_000;
/**
 * How far below the revision a reload loaded at a write may still be in flight (it took its revision
 * before the reload read the store's, and commits after the reload listed the flags). Bounded by how
 * many writes run at once across all instances.
 */
const IN_FLIGHT_WINDOW = 64;

/**
 * Keeps this instance's snapshot equal to the store without reading the store on the hot path.
 *
 * Changes arrive from the feed and are applied at once. The sync remembers the revision through which
 * it has seen everything; a change that skips revisions (a pub/sub message was lost, or the store burned
 * a revision), a feed reconnect, or a periodic check that finds the store ahead makes it catch up from
 * the shared change log, and when the log does not reach back far enough, reload everything from the
 * cache, or from the store when the cache is behind. Pub/sub is at-most-once; this makes the view
 * eventually exact.
 *
 * Revisions are taken before writes commit, so with several writers the log can be appended out of
 * revision order: a catch-up may find revision r+1 logged while r is still on its way (its writer is
 * slower), and r's pub/sub message may then be lost too. A catch-up therefore notes every revision it
 * skipped that neither the log nor the feed brought, and reads the log again for them (with backoff)
 * until they arrive or `lateChangeWindowMs` passes: a revision still missing then was never committed
 * (a write that lost its version guard burns one) or its writer died before logging it, which only a
 * reload could show (the periodic store check and every later gap repair do that).
 *
 * Event streams hear changes in revision order (see {@link FlagSnapshot}): the sync releases the
 * snapshot's held changes up to `seenThrough` each time it grows. A change that skips revisions is
 * applied to the view at once but held from streams for up to `orderHoldMs`; when the missing revisions
 * arrive meanwhile (the usual case: another writer was a few milliseconds slower), everything goes out
 * in order. When they do not, the sync reads the change log, which every writer appends before it
 * publishes: what it finds is applied, what it does not is a burned revision, or a write slower than
 * the hold (then looked for as above; if it turns up, streams hear it as a reset, since later revisions
 * are already out). The in-order path holds nothing.
 *
 * A reload reads the store's revision, then the flags. A write that took its revision before and
 * commits after is in neither, and the catch-up starts above it; if its pub/sub message is lost too,
 * nothing would look for it. So a reload also looks for the revisions just below its own (up to
 * {@link IN_FLIGHT_WINDOW}) that the loaded flags do not account for, as for late appends.
 */
export class SnapshotSync {
  /** Every revision up to this one is reflected in the snapshot, or known not to exist. */
  private seenThrough = 0;
  private highestSeen = 0;
  private lastCheckedStoreRevision = 0;
  /** A store revision beyond what we have seen at the last check (0: none). */
  private suspectRevision = 0;
  /** A revision the store is known to have reached: catch-up must get at least this far. */
  private requiredRevision = 0;
  private repairing: Promise<void> | undefined;
  private repairAgain = false;
  private askStore = false;
  /** Changes that arrive while a reload is in flight, to lay back on top of the reloaded view. */
  private arrivedDuringReload: FlagChange[] | undefined;
  /** Revisions above `seenThrough` that arrived from the feed (so a catch-up does not look for them). */
  private readonly arrivedAhead = new Set<number>();
  /** Revisions a catch-up skipped that may still be appended late: revision -> when to stop looking. */
  private readonly lateRevisions = new Map<number, number>();
  private lateTimer: NodeJS.Timeout | undefined;
  private lateDelayMs = LATE_CHANGE_FIRST_DELAY_MS;
  private stopped = false;
  /** The next repair reloads, whatever the log says. */
  private reloadNext = false;
  private readonly stops: Array<() => void> = [];
  /** While changes above a gap are held: ends the hold by repairing from the log. */
  private gapHold: { timer: NodeJS.Timeout; done: Promise<void>; end: () => void } | undefined;

  constructor(
    private readonly snapshot: FlagSnapshot,
    private readonly store: FlagStore,
    private readonly cache: FlagCache,
    private readonly log: ChangeLog,
    private readonly feed: ChangeFeed,
    private readonly logger: Logger,
    private readonly options: SnapshotSyncOptions,
  ) {}

  /** Loads the snapshot and starts following the feed. Rejects if neither cache nor store answers. */
  async start(): Promise<void> {
    this.snapshot.holdUntilReleased();
    // Subscribe first: a change committed while we load is applied on top (apply is idempotent).
    this.stops.push(this.feed.subscribe((change) => this.onChange(change)));
    this.stops.push(this.feed.onGap(() => this.repair('the feed reconnected', { askStore: true })));
    await this.reload();
    if (this.options.checkIntervalMs > 0) {
      const timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
      timer.unref();
      this.stops.push(() => clearInterval(timer));
    }
  }

  /** The revision through which this instance has seen every change. */
  get revision(): number {
    return this.seenThrough;
  }

  /** Resolves when no repair is running (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.repairing || this.gapHold) await (this.repairing ?? this.gapHold?.done);
  }

  /** How many skipped revisions are still being looked for in the log (tests). */
  get lateRevisionsAwaited(): number {
    return this.lateRevisions.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
    clearTimeout(this.lateTimer);
    this.endGapHold();
    await this.settled();
  }

  private onChange(change: FlagChange): void {
    const applied = this.snapshot.apply(change);
    if (applied && change.revision <= this.seenThrough && !this.arrivedDuringReload) {
      // Streams already went past it (they get it as a reset): its writer was slower than the hold.
      this.logger.info(
        { revision: change.revision, seenThrough: this.seenThrough },
        'a change arrived after later revisions were released to streams',
      );
    }
    this.highestSeen = Math.max(this.highestSeen, change.revision);
    this.lateRevisions.delete(change.revision);
    if (this.arrivedDuringReload) {
      this.arrivedDuringReload.push(change);
      return;
    }
    if (change.revision <= this.seenThrough + 1) {
      this.advance(change.revision);
      return;
    }
    this.arrivedAhead.add(change.revision);
    this.holdForGap();
  }

  /**
   * Everything through `revision` is seen: moves `seenThrough` there and on over the revisions that
   * already arrived above it, and releases the snapshot's held changes up to it.
   */
  private advance(revision: number): void {
    let through = Math.max(this.seenThrough, revision);
    while (this.arrivedAhead.delete(through + 1)) through++;
    const progressed = through > this.seenThrough;
    this.seenThrough = through;
    this.snapshot.release(through);
    if (!progressed) return;
    // The gap that was held for closed. Another one above it gets a hold of its own, counted from now:
    // its revision was taken later, so its writer may well still be on its way.
    this.endGapHold();
    if (this.arrivedAhead.size > 0) this.holdForGap();
  }

  /** Changes wait above a gap: give the missing revisions `orderHoldMs` to arrive, then read the log. */
  private holdForGap(): void {
    if (this.arrivedAhead.size >= MAX_HELD_CHANGES) {
      this.endGapHold();
      this.repair(`${this.arrivedAhead.size} changes wait above revision ${this.seenThrough}`);
      return;
    }
    if (this.gapHold || this.stopped) return;
    let end = () => {};
    const done = new Promise<void>((resolve) => {
      end = resolve;
    });
    const timer = setTimeout(() => {
      this.endGapHold();
      if (this.arrivedAhead.size > 0)
        this.repair(`revision ${this.seenThrough + 1} did not arrive before later ones were held`);
    }, this.options.orderHoldMs ?? DEFAULT_ORDER_HOLD_MS);
    timer.unref();
    this.gapHold = { timer, done, end };
  }

  private endGapHold(): void {
    const hold = this.gapHold;
    if (!hold) return;
    this.gapHold = undefined;
    clearTimeout(hold.timer);
    hold.end();
  }

  private async check(): Promise<void> {
    let storeRevision: number;
    try {
      storeRevision = await this.store.currentRevision();
    } catch (err) {
      this.logger.debug({ err }, 'revision check failed');
      return;
    }
    // A revision the store has and we have not seen is only suspect at first: the write that took it
    // may still be on its way to us. Repair when it is still unseen at the next check. The store's
    // counter can also run ahead of committed changes (burned revisions): act on each value once.
    const suspect = this.suspectRevision;
    this.suspectRevision = storeRevision > this.seenThrough ? storeRevision : 0;
    if (suspect > this.seenThrough && suspect > this.lastCheckedStoreRevision) {
      this.lastCheckedStoreRevision = suspect;
      this.requiredRevision = Math.max(this.requiredRevision, suspect);
      this.repair(`the store reached revision ${suspect}, still unseen here (at ${this.seenThrough})`);
    }
  }

  /**
   * Runs one repair at a time; a request during a repair runs another one after it. With `askStore`,
   * the store's revision is read first: after an outage of the bus, changes made meanwhile were never
   * logged, and only the store can say that they exist.
   */
  private repair(reason: string, { askStore = false } = {}): void {
    if (askStore) this.askStore = true;
    if (this.repairing) {
      this.repairAgain = true;
      return;
    }
    this.logger.info({ reason, revision: this.seenThrough }, 'catching up');
    this.repairing = (async () => {
      do {
        this.repairAgain = false;
        try {
          await this.catchUp();
        } catch (err) {
          this.logger.warn({ err }, 'catch-up failed; will retry on the next gap or check');
        }
      } while (this.repairAgain);
    })().finally(() => {
      this.repairing = undefined;
    });
  }

  private async catchUp(): Promise<void> {
    if (this.askStore) {
      // Cleared only once answered: if the store is down too, the next repair asks again.
      this.requiredRevision = Math.max(this.requiredRevision, await this.store.currentRevision());
      this.askStore = false;
    }
    const target = this.highestSeen;
    const reload = this.reloadNext;
    this.reloadNext = false;
    const missed = this.options.sharedLog && !reload ? await this.readLog() : null;
    if (missed === null) {
      await this.reload();
      this.options.onRepair?.('reload');
      return;
    }
    for (const change of missed) this.snapshot.apply(change);
    const lastLogged = missed.at(-1)?.revision ?? 0;
    const from = this.seenThrough;
    const through = Math.max(this.seenThrough, target, lastLogged);
    this.awaitSkipped(from, through, missed);
    this.advance(through);
    // The store is ahead of everything the log knows: a writer committed and never logged (it crashed,
    // or Redis was down), or the store burned revisions. Only a reload can tell; it is rare.
    if (this.seenThrough < this.requiredRevision) {
      await this.reload();
      this.options.onRepair?.('reload');
    } else this.options.onRepair?.('log');
  }

  /**
   * Notes the revisions in (from, through] that neither `logged` nor the feed brought, to look for them
   * in the log again: they may be appended late (see the class comment).
   */
  private awaitSkipped(from: number, through: number, logged: readonly FlagChange[]): void {
    const found = new Set(logged.map((change) => change.revision));
    const giveUpAt = Date.now() + (this.options.lateChangeWindowMs ?? DEFAULT_LATE_CHANGE_WINDOW_MS);
    if (through - from <= MAX_LATE_REVISIONS) {
      for (let revision = from + 1; revision <= through; revision++) {
        if (!found.has(revision) && !this.arrivedAhead.has(revision))
          this.lateRevisions.set(revision, giveUpAt);
      }
    }
    for (const revision of this.arrivedAhead) if (revision <= through) this.arrivedAhead.delete(revision);
    if (this.lateRevisions.size > 0 && !this.lateTimer) {
      this.lateDelayMs = LATE_CHANGE_FIRST_DELAY_MS;
      this.scheduleLateLook();
    }
  }

  private scheduleLateLook(): void {
    if (this.stopped) return;
    this.lateTimer = setTimeout(() => void this.lookForLateChanges(), this.lateDelayMs);
    this.lateTimer.unref();
    this.lateDelayMs = Math.min(this.lateDelayMs * 2, LATE_CHANGE_MAX_DELAY_MS);
  }

  /** Reads the log from the lowest awaited revision and applies the awaited ones it now holds. */
  private async lookForLateChanges(): Promise<void> {
    if (this.lateRevisions.size > 0) {
      const lowest = Math.min(...this.lateRevisions.keys());
      let logged: FlagChange[] | null | undefined;
      try {
        logged = await this.log.since(lowest - 1);
      } catch (err) {
        this.logger.debug({ err }, 'change log unavailable; looking for late changes again later');
      }
      if (logged === null) {
        // The log no longer reaches back that far: only a reload can tell what those revisions were.
        this.lateRevisions.clear();
        this.reloadNext = true;
        this.repair('the change log no longer reaches a revision appended late');
      }
      // Only a key's latest logged change: a reload since may have dropped the tombstone that would
      // keep a late upsert from resurrecting a flag deleted after it.
      const latest = new Map((logged ?? []).map((change) => [change.key, change.revision]));
      for (const change of logged ?? []) {
        if (!this.lateRevisions.delete(change.revision) || latest.get(change.key) !== change.revision)
          continue;
        // A delete of a flag the view does not hold changes nothing (and would tell streams of nothing).
        if (change.kind === 'delete' && !this.snapshot.get(change.key)) continue;
        this.snapshot.apply(change);
      }
      const now = Date.now();
      for (const [revision, giveUpAt] of this.lateRevisions) {
        if (now >= giveUpAt) this.lateRevisions.delete(revision);
      }
    }
    this.lateTimer = undefined;
    if (this.lateRevisions.size > 0) this.scheduleLateLook();
  }

  /** The log's changes since what we have seen; null (reload instead) when it cannot say. */
  private async readLog(): Promise<FlagChange[] | null> {
    try {
      return await this.log.since(this.seenThrough);
    } catch (err) {
      this.logger.warn({ err }, 'change log unavailable; reloading instead');
      return null;
    }
  }

  /** Replaces the snapshot from the cache, or from the store when the cache is missing or behind it. */
  private async reload(): Promise<void> {
    this.arrivedDuringReload = [];
    try {
      await this.reloadFromCacheOrStore();
    } finally {
      this.arrivedDuringReload = undefined;
    }
  }

  private async reloadFromCacheOrStore(): Promise<void> {
    const storeRevision = await this.store.currentRevision();
    let set: FlagSet | null = await this.cache.load().catch((err: unknown) => {
      this.logger.warn({ err }, 'cache unavailable; loading from the store');
      return null;
    });
    if (!set || set.revision < storeRevision) {
      // Read the revision before the flags: the list is then at least as new as the revision says.
      set = { flags: await this.store.list(''), revision: storeRevision };
      await this.cache.fill(set).catch((err: unknown) => this.logger.warn({ err }, 'cache fill failed'));
    }
    // Changes that arrived while we loaded may be newer than the set: reset, then lay them back on top.
    this.snapshot.reset(set.flags, set.revision);
    const arrived = (this.arrivedDuringReload ?? []).sort((a, b) => a.revision - b.revision);
    for (const change of arrived) this.snapshot.apply(change);
    for (const revision of this.arrivedAhead)
      if (revision <= set.revision) this.arrivedAhead.delete(revision);
    // Those above a gap are held like any change that skips revisions (advance takes the others).
    for (const change of arrived) if (change.revision > set.revision) this.arrivedAhead.add(change.revision);
    this.advance(set.revision);
    this.highestSeen = Math.max(this.highestSeen, this.seenThrough, arrived.at(-1)?.revision ?? 0);
    if (this.arrivedAhead.size > 0) this.holdForGap();
    await this.log
      .init(set.revision)
      .catch((err: unknown) => this.logger.warn({ err }, 'change log init failed'));
    await this.awaitInFlight(set);
  }

  /**
   * Looks in the log, as for late appends, for the revisions just below the loaded one that the loaded
   * flags do not account for: a write in flight during the load (see the class comment). Superseded
   * and burned revisions are among them; the first are found at the first look, the others time out.
   */
  private async awaitInFlight(set: FlagSet): Promise<void> {
    if (!this.options.sharedLog || set.revision === 0) return;
    const from = Math.max(0, set.revision - IN_FLIGHT_WINDOW);
    // Only when the log reaches that far: otherwise each look would ask for another reload.
    const reaches = await this.log.since(from).then(
      (logged) => logged !== null,
      () => false,
    );
    if (!reaches) return;
    const loaded = new Set<number>();
    for (const flag of set.flags) if (flag.revision > from) loaded.add(flag.revision);
    const giveUpAt = Date.now() + (this.options.lateChangeWindowMs ?? DEFAULT_LATE_CHANGE_WINDOW_MS);
    for (let revision = from + 1; revision <= set.revision; revision++) {
      if (!loaded.has(revision) && !this.lateRevisions.has(revision))
        this.lateRevisions.set(revision, giveUpAt);
    }
    if (this.lateRevisions.size > 0 && !this.lateTimer) {
      this.lateDelayMs = LATE_CHANGE_FIRST_DELAY_MS;
      this.scheduleLateLook();
    }
  }
}
