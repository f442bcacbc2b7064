import { ApiError } from '../api/graphql';
import type { LiveChanges } from '../api/live';
import type { Session } from '../api/session-context';
import {
  AuditEntryAddedDocument,
  type AuditEntryItemFragment,
  type AuditFilter,
  AuditLogDocument,
} from '../generated/graphql';
import { mergeEntries, newestRevision } from './history-entries';
import { entrySentence } from './history-filter';

export type HistoryEntry = AuditEntryItemFragment;

/** How long an entry that arrived live stays highlighted. */
export const FRESH_MS = 5000;
/** Entries per page read with the cursor. */
const PAGE = 30;
/** How long after subscribing the feed reads once more what may have committed meanwhile. */
const SETTLE_MS = 1000;
/** The most entries one catch-up read asks for (the API's page limit). */
const CATCH_UP = 500;

export interface HistoryState {
  /** `forbidden`: the token may not read the history (admin tokens only). */
  readonly status: 'loading' | 'ready' | 'forbidden' | 'failed';
  readonly problem: ApiError | undefined;
  /** Newest first. */
  readonly entries: readonly HistoryEntry[];
  /** More, older entries match: `loadMore` reads the next page. */
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  /** The history ends at the retention horizon: older matching entries may have been purged. */
  readonly truncated: boolean;
  /** Revisions that arrived live in the last {@link FRESH_MS}. */
  readonly fresh: ReadonlySet<number>;
  /** Whether new entries arrive by themselves; why not, when they do not. */
  readonly live: 'connecting' | 'live' | 'off';
  readonly liveProblem: string | undefined;
  /** The latest live arrival, for the page's polite announcement. */
  readonly announcement: string;
}

/** Before anything is read. */
export const INITIAL_HISTORY: HistoryState = {
  status: 'loading',
  problem: undefined,
  entries: [],
  hasMore: false,
  loadingMore: false,
  truncated: false,
  fresh: new Set(),
  live: 'connecting',
  liveProblem: undefined,
  announcement: '',
};

/**
 * One history screen's entries for one filter (for `useSyncExternalStore`): the newest page, older
 * pages on demand with the cursor, and new entries as `auditEntryAdded` pushes them. A subscription
 * starts with the next change, so the first event after (re)subscribing, and every reconnection,
 * also reads everything after the newest entry held (`sinceRevision`): nothing committed in between
 * is missed, and overlaps are merged by revision.
 */
export class HistoryFeed {
  private state: HistoryState = INITIAL_HISTORY;
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private cursor: string | null = null;
  private stopLive: (() => void) | undefined;
  private stopped = false;
  private catchUpDue = true;
  private catchingUp: Promise<void> | undefined;
  private settle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly run: Session['run'],
    private readonly live: LiveChanges,
    private readonly filter: AuditFilter,
  ) {}

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = () => this.state;

  /** Reads the newest page, then follows new entries live. */
  async start(): Promise<void> {
    try {
      const { auditLog } = await this.run(AuditLogDocument, { filter: this.filter, first: PAGE });
      if (this.stopped) return;
      this.cursor = auditLog.pageInfo.endCursor;
      this.publish({
        status: 'ready',
        entries: mergeEntries(
          this.state.entries,
          auditLog.edges.map((edge) => edge.node),
        ),
        hasMore: auditLog.pageInfo.hasNextPage,
        truncated: auditLog.truncated,
      });
      this.follow();
    } catch (err) {
      if (this.stopped) return;
      const problem = err instanceof ApiError ? err : new ApiError('INTERNAL', String(err));
      this.publish({ status: problem.code === 'FORBIDDEN' ? 'forbidden' : 'failed', problem });
    }
  }

  /** Reads the next, older page (no-op while one is being read, or when there is none). */
  async loadMore(): Promise<void> {
    if (!this.state.hasMore || this.state.loadingMore || this.cursor === null) return;
    this.publish({ loadingMore: true });
    try {
      const { auditLog } = await this.run(AuditLogDocument, {
        filter: this.filter,
        first: PAGE,
        after: this.cursor,
      });
      if (this.stopped) return;
      this.cursor = auditLog.pageInfo.endCursor;
      this.publish({
        entries: mergeEntries(
          this.state.entries,
          auditLog.edges.map((edge) => edge.node),
        ),
        hasMore: auditLog.pageInfo.hasNextPage,
        truncated: auditLog.truncated,
        loadingMore: false,
        problem: undefined,
      });
    } catch (err) {
      this.publish({ loadingMore: false, problem: err instanceof ApiError ? err : undefined });
    }
  }

  stop(): void {
    this.stopped = true;
    this.stopLive?.();
    clearTimeout(this.settle);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private follow(): void {
    this.stopLive = this.live.watch(
      AuditEntryAddedDocument,
      { filter: this.filter },
      {
        next: ({ auditEntryAdded }) => {
          const newestBefore = newestRevision(this.state.entries);
          this.arrived([auditEntryAdded]);
          if (this.catchUpDue) {
            this.catchUpDue = false;
            void this.catchUp(newestBefore);
          }
        },
        live: () => {
          this.publish({ live: 'live', liveProblem: undefined });
          void this.catchUp(newestRevision(this.state.entries));
        },
        refused: (error) => this.publish({ live: 'off', liveProblem: error.message }),
      },
    );
    // graphql-ws says nothing when a subscription starts: the socket being open is as close as it gets.
    this.publish({ live: 'live' });
    // A change committed before the service registered the subscription is not pushed: if no event has
    // come to trigger the catch-up by then, read once what may have slipped through.
    this.settle = setTimeout(() => {
      if (this.catchUpDue) void this.catchUp(newestRevision(this.state.entries));
    }, SETTLE_MS);
  }

  /** Reads every matching entry after `revision` (one bounded read; at most one at a time). */
  private async catchUp(revision: number): Promise<void> {
    while (this.catchingUp) await this.catchingUp;
    this.catchingUp = (async () => {
      try {
        const { auditLog } = await this.run(AuditLogDocument, {
          filter: { ...this.filter, sinceRevision: revision + 1 },
          first: CATCH_UP,
        });
        if (!this.stopped) this.arrived(auditLog.edges.map((edge) => edge.node));
      } catch (err) {
        console.warn('reading the history after a reconnection failed', err);
      } finally {
        this.catchingUp = undefined;
      }
    })();
    await this.catchingUp;
  }

  /** New entries: merged in, highlighted for a while, the newest announced. */
  private arrived(entries: readonly HistoryEntry[]): void {
    const held = new Set(this.state.entries.map((entry) => entry.revision));
    const added = entries.filter((entry) => !held.has(entry.revision));
    if (added.length === 0) return;
    for (const entry of added) {
      clearTimeout(this.timers.get(entry.revision));
      this.timers.set(
        entry.revision,
        setTimeout(() => {
          this.timers.delete(entry.revision);
          this.publish({});
        }, FRESH_MS),
      );
    }
    const newest = added.reduce((a, b) => (b.revision > a.revision ? b : a));
    this.publish({
      entries: mergeEntries(this.state.entries, added),
      announcement: `New change: ${entrySentence(newest)}`,
    });
  }

  private publish(patch: Partial<HistoryState>): void {
    this.state = { ...this.state, ...patch, fresh: new Set(this.timers.keys()) };
    for (const listener of this.listeners) listener();
  }
}
