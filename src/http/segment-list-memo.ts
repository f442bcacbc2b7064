import { kindOfKey } from '../flags/flag.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { segmentViews } from '../flags/segment-view.js';
import { type MemoisedBody, memoise } from './flag-list-memo.js';

/**
 * The serialised `GET /segments` answer and its ETag, built once and kept until a segment changes
 * (flag and environment changes leave it alone), so a warm poll of segments does no JSON work.
 */
export class SegmentListMemo {
  private current: MemoisedBody | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly snapshot: FlagSnapshot) {
    this.unsubscribe = snapshot.subscribe((event) => {
      const changes = event.type === 'change' ? [event.change] : event.changes;
      if (changes.some((change) => kindOfKey(change.key) === 'segment')) this.current = undefined;
    });
  }

  get(): MemoisedBody {
    this.current ??= memoise(Buffer.from(JSON.stringify(segmentViews(this.snapshot))));
    return this.current;
  }

  close(): void {
    this.unsubscribe();
    this.current = undefined;
  }
}
