import type { FlagChange } from '../flags/flag.js';

/**
 * The recent past: a bounded log of committed changes shared by every instance, so a client that was
 * disconnected can be sent exactly what it missed (SSE `Last-Event-ID`) and an instance that missed a
 * pub/sub message can catch up without reloading everything.
 *
 * The log covers the revisions after its floor: `since(after)` answers every logged change with a
 * revision above `after`, oldest first, when `after` is at or above the floor, and `null` when the log no
 * longer reaches back that far (or does not know how far it reaches, e.g. after its backend lost its
 * data): the caller then falls back to a full snapshot.
 */
export interface ChangeLog {
  /**
   * Makes the log cover everything after `revision` if it covers nothing yet (a new or wiped log):
   * called at start-up and after a resync with the store's current revision. Never lowers a floor.
   */
  init(revision: number): Promise<void>;
  append(change: FlagChange): Promise<void>;
  since(after: number): Promise<FlagChange[] | null>;
  close(): Promise<void>;
}
