import type { FlagChange } from '../flags/flag.js';
import type { ChangeFeed, ChangeListener } from './change-feed.js';

/** The embedded default: one process, synchronous delivery, nothing lost. */
export class InProcessFeed implements ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  async publish(change: FlagChange): Promise<void> {
    for (const listener of this.listeners) listener(change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One process: nothing is ever missed. */
  onGap(_listener: () => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
