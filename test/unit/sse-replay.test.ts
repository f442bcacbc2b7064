import { describe, expect, it } from '@jest/globals';
import type { FlagChange } from '../../src/flags/flag.js';
import { ALL_ENVIRONMENTS } from '../../src/flags/flag-view.js';
import { changeFrame } from '../../src/http/sse/frames.js';
import { replayOf } from '../../src/http/sse/replay.js';
import { aFlag, deleteOf, upsertOf } from '../support/flags.js';

const up = (key: string, revision: number): FlagChange => upsertOf(aFlag(key, revision));
const revisionsOf = (frames: readonly Buffer[]) =>
  frames.map((frame) => Number(/^id: (\d+)$/m.exec(frame.toString())?.[1]));

describe('what a client resuming from the change log is replayed', () => {
  it('exactly the changes after its id, in scope, in log order, as the frames live clients got', () => {
    const log = [up('a.x', 3), up('b.y', 4), deleteOf('a.z', 5), up('a.x', 6)];
    const replay = replayOf(log, 3, 6, 'a.', ALL_ENVIRONMENTS);
    expect(replay?.frames).toEqual([
      changeFrame(deleteOf('a.z', 5), ALL_ENVIRONMENTS),
      changeFrame(up('a.x', 6), ALL_ENVIRONMENTS),
    ]);
    expect([...(replay?.sent ?? [])]).toEqual([5, 6]);
  });

  it('everything after its id with the empty prefix, and nothing at or before it', () => {
    const log = [up('a', 1), up('b', 2), up('c', 3), up('d', 4)];
    expect(revisionsOf(replayOf(log, 2, 4, '', ALL_ENVIRONMENTS)?.frames ?? [])).toEqual([3, 4]);
  });

  it('a change the log holds twice only once', () => {
    const replay = replayOf([up('a', 2), up('a', 2), up('b', 3)], 1, 3, '', ALL_ENVIRONMENTS);
    expect(revisionsOf(replay?.frames ?? [])).toEqual([2, 3]);
  });

  it('nothing, as a valid replay, when nothing happened since its id', () => {
    expect(replayOf([up('a', 1), up('b', 2)], 2, 2, '', ALL_ENVIRONMENTS)).toEqual({
      frames: [],
      sent: new Set(),
    });
    expect(replayOf([], 7, 7, 'a.', ALL_ENVIRONMENTS)).toEqual({ frames: [], sent: new Set() });
  });

  it('nothing in scope when only other prefixes changed, as long as the log reaches what this instance saw', () => {
    expect(replayOf([up('b.1', 3), up('b.2', 4)], 2, 4, 'a.', ALL_ENVIRONMENTS)).toEqual({
      frames: [],
      sent: new Set(),
    });
  });

  it('stops at what this instance had released to streams: later logged changes come live, in order', () => {
    const replay = replayOf([up('a', 3), up('a', 4), up('b', 5)], 2, 3, '', ALL_ENVIRONMENTS);
    expect(revisionsOf(replay?.frames ?? [])).toEqual([3]);
    expect([...(replay?.sent ?? [])]).toEqual([3]);
  });

  it('no replay (a snapshot instead) when the log is unavailable', () => {
    expect(replayOf(null, 2, 3, '', ALL_ENVIRONMENTS)).toBeNull();
  });

  it('no replay when the log stops short of what this instance had applied (a lost append)', () => {
    expect(replayOf([up('a', 3), up('a', 4)], 2, 5, '', ALL_ENVIRONMENTS)).toBeNull();
    expect(replayOf([], 2, 3, '', ALL_ENVIRONMENTS)).toBeNull();
    // Only changes after the id count: an old entry at the right revision does not vouch for the gap.
    expect(replayOf([up('a', 5)], 6, 7, '', ALL_ENVIRONMENTS)).toBeNull();
  });
});
