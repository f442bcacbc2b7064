import type { FlagDefinition } from '@flagwire/core';
import type { Flag, FlagChange } from './types.js';
import { definitionOf } from './wire.js';

/** One difference between the client's view before and after an update. */
export interface StateDiff {
  readonly kind: 'upsert' | 'delete';
  readonly key: string;
  readonly flag?: Flag;
  readonly previous?: Flag;
  readonly revision: number;
}

/** What the state holds per flag: the server's record, and the definition local evaluation reads. */
interface Held {
  readonly flag: Flag;
  readonly definition: FlagDefinition;
}

/**
 * The client's view of the flags in scope, ordered by revision. Per PROTOCOL.md a change applies only
 * when its revision is above what is held for its key: the flag's revision, the revision of its
 * delete (kept as a tombstone), and the revision the last full state was complete at. So replays,
 * duplicates and late events can never move a flag backwards.
 *
 * Each flag is held with its definition, made once when the flag arrives (`define`: wire.ts's
 * `definitionOf`) and kept, the same object, until the flag changes: the evaluator compiles a definition
 * once per object, so a re-sent unchanged flag (a poll's 200, a snapshot after a reconnection) must not
 * replace it.
 */
export class FlagState {
  private flags = new Map<string, Held>();
  private tombstones = new Map<string, number>();
  /** The last full state reflects every change up to this revision. */
  private floor = 0;
  private revision = 0;
  private full = false;

  /** Whether a full state has arrived (until then only bootstrap values can be answered). */
  get isFull(): boolean {
    return this.full;
  }

  /** The highest revision this view reflects: a safe point to resume a stream from. */
  get lastRevision(): number {
    return this.revision;
  }

  constructor(private readonly define: (flag: Flag) => FlagDefinition = definitionOf) {}

  get size(): number {
    return this.flags.size;
  }

  get(key: string): Flag | undefined {
    return this.flags.get(key)?.flag;
  }

  /** The definition of the flag held for `key` (the same object until the flag changes), or undefined. */
  definition(key: string): FlagDefinition | undefined {
    return this.flags.get(key)?.definition;
  }

  /** Every flag held, sorted by key like the server's lists. */
  list(): Flag[] {
    return [...this.flags.values()]
      .map((held) => held.flag)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Applies one change unless it is not newer than what is held for its key; returns the difference. */
  apply(change: FlagChange): StateDiff | undefined {
    const previous = this.flags.get(change.key)?.flag;
    if (!this.write(change)) return undefined;
    if (change.kind === 'upsert') {
      return {
        kind: 'upsert',
        key: change.key,
        flag: change.flag,
        revision: change.revision,
        ...(previous && { previous }),
      };
    }
    return previous && { kind: 'delete', key: change.key, previous, revision: change.revision };
  }

  /**
   * Replaces the whole view with `flags`, a complete state known to reflect every change up to
   * `asOf`, then re-applies `replay` (changes that may be newer than the state, e.g. subscription
   * events received while it was being read). Returns the differences from the view before.
   */
  replace(flags: readonly Flag[], asOf: number, replay: Iterable<FlagChange> = []): StateDiff[] {
    const before = this.flags;
    this.flags = new Map(flags.map((flag) => [flag.key, this.hold(flag, before.get(flag.key))]));
    this.tombstones = new Map();
    this.floor = asOf;
    this.revision = asOf;
    for (const flag of flags) this.revision = Math.max(this.revision, flag.revision);
    for (const change of replay) this.write(change);
    this.full = true;

    const diffs: StateDiff[] = [];
    for (const [key, { flag }] of this.flags) {
      const previous = before.get(key)?.flag;
      if (previous && sameChange(previous, flag)) continue;
      diffs.push({ kind: 'upsert', key, flag, revision: flag.revision, ...(previous && { previous }) });
    }
    for (const [key, { flag: previous }] of before) {
      if (this.flags.has(key)) continue;
      diffs.push({ kind: 'delete', key, previous, revision: this.tombstones.get(key) ?? this.revision });
    }
    return diffs;
  }

  /** `flag` with its definition; what is held already when `flag` is the same change of the same flag. */
  private hold(flag: Flag, previous: Held | undefined): Held {
    return previous && sameChange(previous.flag, flag) ? previous : { flag, definition: this.define(flag) };
  }

  private held(key: string): number {
    return Math.max(this.floor, this.flags.get(key)?.flag.revision ?? 0, this.tombstones.get(key) ?? 0);
  }

  private write(change: FlagChange): boolean {
    if (change.revision <= this.held(change.key)) return false;
    if (change.kind === 'upsert') {
      this.flags.set(change.key, this.hold(change.flag, undefined));
      this.tombstones.delete(change.key);
    } else {
      this.flags.delete(change.key);
      this.tombstones.set(change.key, change.revision);
    }
    this.revision = Math.max(this.revision, change.revision);
    return true;
  }
}

/** Whether two records of a flag are the same change (revision and version): nothing to re-derive. */
function sameChange(a: Flag, b: Flag): boolean {
  return a.revision === b.revision && a.version === b.version;
}
