import type { FlagChange } from '../../flags/flag.js';
import type { ReadScope } from '../../flags/flag-view.js';
import type { Replay } from './connection.js';
import { inScope, streamedChangeFrame } from './frames.js';

/**
 * What a client resuming after `after` is sent: the logged changes under `prefix` up to `seen`, framed
 * as `scope` sees them, the revision
 * through which this instance had released changes to streams when the client subscribed; the later
 * ones come live, in order. Null when the log cannot vouch for it: it does not reach back, or it does
 * not hold every change up to `seen` (e.g. a failed append), in which case a snapshot is the safe answer.
 */
export function replayOf(
  changes: readonly FlagChange[] | null,
  after: number,
  seen: number,
  prefix: string,
  scope: ReadScope,
): Replay | null {
  if (!changes) return null;
  const frames: Buffer[] = [];
  const sent = new Set<number>();
  let newest = after;
  for (const change of changes) {
    if (change.revision <= after) continue;
    newest = Math.max(newest, change.revision);
    if (change.revision > seen || !inScope(change.key, prefix) || sent.has(change.revision)) continue;
    const frame = streamedChangeFrame(change, scope);
    if (!frame) continue;
    sent.add(change.revision);
    frames.push(frame);
  }
  return newest >= seen ? { frames, sent } : null;
}
