import type { FlagChange } from '../../flags/flag.js';
import type { Replay } from './connection.js';
import { changeFrame } from './frames.js';

/**
 * What a client resuming after `after` is sent, or null when the log cannot vouch for it: it does not
 * reach back, or it does not yet hold every change this instance had applied when the client subscribed
 * (`seen`; e.g. a failed append), in which case a snapshot is the safe answer.
 */
export function replayOf(
  changes: readonly FlagChange[] | null,
  after: number,
  seen: number,
  prefix: string,
): Replay | null {
  if (!changes) return null;
  const frames: Buffer[] = [];
  const sent = new Set<number>();
  const ahead = new Set<number>();
  let newest = after;
  for (const change of changes) {
    if (change.revision <= after) continue;
    newest = Math.max(newest, change.revision);
    if (!change.key.startsWith(prefix) || sent.has(change.revision)) continue;
    sent.add(change.revision);
    if (change.revision > seen) ahead.add(change.revision);
    frames.push(changeFrame(change));
  }
  return newest >= seen ? { frames, sent, ahead } : null;
}
