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
}

const DEFAULT_LATE_CHANGE_WINDOW_MS = 30_000;
/** The first look for a late change, doubling up to {@link LATE_CHANGE_MAX_DELAY_MS}. */
const LATE_CHANGE_FIRST_DELAY_MS = 50;
const LATE_CHANGE_MAX_DELAY_MS = 5_000;
/** Bounds the revisions one catch-up looks for again (memory, and the length of each log read). */
const MAX_LATE_REVISIONS = 1_000;

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
    while (this.repairing) await this.repairing;
  }

  /** How many skipped revisions are still being looked for in the log (tests). */
  get lateRevisionsAwaited(): number {
    return this.lateRevisions.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const stop of this.stops.splice(0)) stop();
    clearTimeout(this.lateTimer);
    await this.settled();
  }

  private onChange(change: FlagChange): void {
    this.snapshot.apply(change);
    this.highestSeen = Math.max(this.highestSeen, change.revision);
    this.lateRevisions.delete(change.revision);
    if (this.arrivedDuringReload) {
      this.arrivedDuringReload.push(change);
      return;
    }
    if (change.revision <= this.seenThrough + 1) {
      this.seenThrough = Math.max(this.seenThrough, change.revision);
      return;
    }
    this.arrivedAhead.add(change.revision);
    this.repair(`revision ${change.revision} arrived after ${this.seenThrough}`);
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
    this.seenThrough = Math.max(this.seenThrough, target, lastLogged);
    this.awaitSkipped(from, this.seenThrough, missed);
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
        if (this.lateRevisions.delete(change.revision) && latest.get(change.key) === change.revision) {
          this.snapshot.apply(change);
        }
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
    let seenThrough = set.revision;
    for (const change of (this.arrivedDuringReload ?? []).sort((a, b) => a.revision - b.revision)) {
      this.snapshot.apply(change);
      if (change.revision === seenThrough + 1) seenThrough = change.revision;
    }
    this.seenThrough = Math.max(seenThrough, this.seenThrough);
    this.highestSeen = Math.max(this.highestSeen, this.seenThrough);
    for (const revision of this.arrivedAhead)
      if (revision <= this.seenThrough) this.arrivedAhead.delete(revision);
    await this.log
      .init(set.revision)
      .catch((err: unknown) => this.logger.warn({ err }, 'change log init failed'));
  }
}
