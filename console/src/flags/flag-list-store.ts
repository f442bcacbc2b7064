import type { Change } from '../api/live';
import type { EnvironmentFieldsFragment, FlagRowFragment } from '../generated/graphql';

/** How long a flag changed by someone else stays highlighted in the list. */
export const HIGHLIGHT_MS = 4000;

export interface FlagListState {
  readonly loaded: boolean;
  /** Sorted by key. */
  readonly flags: readonly FlagRowFragment[];
  readonly environments: readonly EnvironmentFieldsFragment[];
  /** Keys of flags someone else changed in the last {@link HIGHLIGHT_MS}. */
  readonly highlighted: ReadonlySet<string>;
  /** The last change by someone else, for the page's live announcement. */
  readonly lastForeignChange: string | undefined;
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The flag list as the service has it now: a full read, then every live change applied on top (for
 * `useSyncExternalStore`). A change is applied only when it is newer than what is held (versions only
 * grow), so a live event and a re-read may arrive in either order. Changes this tab made itself
 * ({@link expectOwnWrite}) are applied but not highlighted.
 */
export class FlagListStore {
  private state: FlagListState = {
    loaded: false,
    flags: [],
    environments: [],
    highlighted: new Set(),
    lastForeignChange: undefined,
  };
  private readonly byKey = new Map<string, FlagRowFragment>();
  private readonly listeners = new Set<() => void>();
  private readonly ownWrites = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = () => this.state;

  /** Replaces everything with a full read (at start, and after the live connection comes back). */
  load(flags: readonly FlagRowFragment[], environments: readonly EnvironmentFieldsFragment[]): void {
    for (const flag of flags) {
      const held = this.byKey.get(flag.key);
      if (!held || held.version <= flag.version) this.byKey.set(flag.key, flag);
    }
    const present = new Set(flags.map((flag) => flag.key));
    for (const key of [...this.byKey.keys()]) if (!present.has(key)) this.byKey.delete(key);
    this.publish({ loaded: true, environments });
  }

  /** The next write of this tab to `key` is its own: its live echo is not highlighted. */
  expectOwnWrite(key: string): void {
    this.ownWrites.set(key, (this.ownWrites.get(key) ?? 0) + 1);
  }

  /** A write this tab expected failed: forget it. */
  ownWriteFailed(key: string): void {
    const left = (this.ownWrites.get(key) ?? 1) - 1;
    if (left > 0) this.ownWrites.set(key, left);
    else this.ownWrites.delete(key);
  }

  apply(change: Change): void {
    if (change.entity !== 'FLAG') return;
    const held = this.byKey.get(change.key);
    if (change.kind === 'DELETE') {
      if (!held) return;
      this.byKey.delete(change.key);
    } else {
      if (!change.flag || (held && held.version >= change.flag.version)) return;
      this.byKey.set(change.key, change.flag);
    }
    const own = this.ownWrites.has(change.key);
    if (own) this.ownWriteFailed(change.key);
    else this.highlight(change.key);
    this.publish({ lastForeignChange: own ? this.state.lastForeignChange : describe(change) });
  }

  private highlight(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.publish({});
      }, HIGHLIGHT_MS),
    );
  }

  private publish(patch: Partial<FlagListState>): void {
    this.state = {
      ...this.state,
      ...patch,
      flags: [...this.byKey.values()].sort(byKey),
      highlighted: new Set(this.timers.keys()),
    };
    for (const listener of this.listeners) listener();
  }
}

function describe(change: Change): string {
  return change.kind === 'DELETE'
    ? `Flag ${change.key} was deleted`
    : `Flag ${change.key} changed (version ${change.version})`;
}
