import type { FlagChange } from '../flags/flag.js';

export type ChangeListener = (change: FlagChange) => void;

/**
 * Carries committed changes to every listener of every instance that shares the feed.
 *
 * Contract: `publish` resolves only after this instance's own listeners have been called with the
 * change, so a writer reads its own write on the instance it wrote to. Delivery to other instances
 * may be at-most-once; listeners use the change's revision to notice what they missed.
 */
export interface ChangeFeed {
  publish(change: FlagChange): Promise<void>;
  /** Returns a function that removes the listener. */
  subscribe(listener: ChangeListener): () => void;
  /**
   * Calls `listener` whenever this instance may have missed changes from other instances, e.g. when the
   * connection to the bus was lost and has come back. Listeners resynchronise. Returns an unsubscribe.
   */
  onGap(listener: () => void): () => void;
  close(): Promise<void>;
}
