import type { Logger } from 'pino';
import type { FlagCache } from '../cache/flag-cache.js';
import type { FlagChange } from '../flags/flag.js';
import type { ChangePublisher } from '../flags/flag-service.js';
import type { ChangeFeed } from './change-feed.js';
import type { ChangeLog } from './change-log.js';

/**
 * What happens to a change once the store has committed it: write-through to the shared cache, an
 * entry in the change log, then the feed (this instance's listeners first, then every other
 * instance). The log is written before the feed so that a listener who notices a gap finds the
 * missing change there. The cache and log are best effort: the change is already committed, and a
 * failure here is repaired by resynchronisation, so it is logged, not thrown at the writer.
 */
export class ChangeFanout implements ChangePublisher {
  constructor(
    private readonly cache: FlagCache,
    private readonly log: ChangeLog,
    private readonly feed: ChangeFeed,
    private readonly logger: Logger,
    /** Told which part failed (metrics). */
    private readonly onError: (part: 'cache' | 'log') => void = () => {},
  ) {}

  async publish(change: FlagChange): Promise<void> {
    const [cached, logged] = await Promise.allSettled([this.cache.apply(change), this.log.append(change)]);
    if (cached.status === 'rejected') {
      this.onError('cache');
      this.warn('cache write-through failed', change, cached.reason);
    }
    if (logged.status === 'rejected') {
      this.onError('log');
      this.warn('change log append failed', change, logged.reason);
    }
    await this.feed.publish(change);
  }

  private warn(message: string, change: FlagChange, err: unknown): void {
    this.logger.warn({ err, key: change.key, revision: change.revision }, message);
  }
}
