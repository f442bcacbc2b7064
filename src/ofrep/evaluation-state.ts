import { createHash } from 'node:crypto';
import { kindOfKey } from '../flags/flag.js';
import type { FlagSnapshot, SnapshotEvent } from '../flags/flag-snapshot.js';

/** Pending {@link EvaluationState.whenReleased} waits beyond which a new one is not held (answered at once). */
const MAX_WAITERS = 10_000;

interface Waiter {
  readonly revision: number;
  readonly resolve: () => void;
  readonly timer: NodeJS.Timeout;
}

/** Whether a change to `key` can change an evaluation: flags and segments can; environment records cannot. */
function evaluates(key: string): boolean {
  const kind = kindOfKey(key);
  return kind === 'flag' || kind === 'segment';
}

/**
 * What every evaluation of this instance depends on, for OFREP's ETags and change events:
 *
 * - {@link fingerprint}: a digest of the flags and segments the snapshot holds (each key with the
 *   revision of its last write; one write, one revision). Equal on every instance that holds the same
 *   records, and different as soon as any record differs, whatever order changes arrived in (a late
 *   change that lands below revisions already released changes it too, where a revision alone would
 *   not). Recomputed lazily, once per change.
 * - {@link signalled}: the revision of the last flag or segment change released to streams, in
 *   revision order: the id of the last `refetchEvaluation` event, so a stream opened later can tell
 *   whether its client missed one.
 *
 * Listeners ({@link onSignal}) hear, in revision order, each revision that calls for a re-fetch.
 */
export class EvaluationState {
  private digest: string | undefined;
  private changes = 0;
  private lastSignalled: number;
  private readonly listeners = new Set<(revision: number) => void>();
  private readonly waiters = new Set<Waiter>();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly snapshot: FlagSnapshot) {
    let newest = 0;
    for (const kind of ['flag', 'segment'] as const)
      for (const record of snapshot.records(kind)) newest = Math.max(newest, record.revision);
    this.lastSignalled = Math.min(newest, snapshot.releasedRevision);
    this.unsubscribe = [
      snapshot.subscribe((event) => {
        if (!touchesEvaluations(event)) return;
        this.digest = undefined;
        this.changes++;
      }),
      snapshot.subscribe((event) => this.released(event), 'revision'),
    ];
  }

  /** A digest of every flag and segment record (key and revision), in base64url. */
  get fingerprint(): string {
    this.digest ??= this.computeFingerprint();
    return this.digest;
  }

  /** Counts the changes to flags and segments this instance applied: memos of evaluations compare it. */
  get generation(): number {
    return this.changes;
  }

  /** The id of the last `refetchEvaluation` this instance sent (or would have sent). */
  get signalled(): number {
    return this.lastSignalled;
  }

  /** Hears each revision that calls for a re-fetch; returns the function that stops it. */
  onSignal(listener: (revision: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves once this instance has released `revision` to its streams (it holds every change up to it),
   * or after `timeoutMs`, whichever comes first; never rejects. A provider re-fetching because another
   * instance's stream told it to may reach an instance that has not heard of that change yet: waiting
   * briefly answers it with the change instead of a stale answer.
   */
  whenReleased(revision: number, timeoutMs: number): Promise<void> {
    if (this.snapshot.releasedRevision >= revision || this.waiters.size >= MAX_WAITERS)
      return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        revision,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve();
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  close(): void {
    for (const stop of this.unsubscribe) stop();
    this.listeners.clear();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    this.waiters.clear();
  }

  private released(event: SnapshotEvent): void {
    if (this.waiters.size > 0) {
      const through = this.snapshot.releasedRevision;
      for (const waiter of this.waiters)
        if (waiter.revision <= through) {
          clearTimeout(waiter.timer);
          this.waiters.delete(waiter);
          waiter.resolve();
        }
    }
    if (!touchesEvaluations(event)) return;
    const revision = event.type === 'change' ? event.change.revision : event.revision;
    this.lastSignalled = Math.max(this.lastSignalled, revision);
    for (const listener of this.listeners) listener(revision);
  }

  private computeFingerprint(): string {
    return fingerprintOf(this.snapshot);
  }
}

/**
 * A digest of every flag and segment `snapshot` holds (each key with the revision of its last write),
 * in base64url: {@link EvaluationState.fingerprint} of the live view, and of a state read `asOf`.
 */
export function fingerprintOf(snapshot: FlagSnapshot): string {
  const hash = createHash('sha256');
  for (const flag of snapshot.list('')) hash.update(`${flag.key}\u0000${flag.revision}\n`);
  const segments = [...snapshot.records('segment')].sort((a, b) => (a.key < b.key ? -1 : 1));
  for (const segment of segments) hash.update(`${segment.key}\u0000${segment.revision}\n`);
  return hash.digest('base64url');
}

function touchesEvaluations(event: SnapshotEvent): boolean {
  return event.type === 'change' ? evaluates(event.change.key) : event.changes.some((c) => evaluates(c.key));
}
