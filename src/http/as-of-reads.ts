import type { Response } from 'express';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import { AS_OF_REVISION_HEADER, parseAsOf } from '../history/as-of.js';
import type { FlagState, TimeTravel } from '../history/time-travel.js';
import { FlagListMemo } from './flag-list-memo.js';
import { SegmentListMemo } from './segment-list-memo.js';

/** List bodies kept per past state: prefixes and scopes one playground session reads. */
const PAST_LIST_ENTRIES = 64;

/**
 * REST reads with `?asOf=`: the state asked for, and its list bodies memoised like the live ones (per
 * state, for as long as the state is kept), so a repeated read of the same moment does no JSON work.
 */
export class AsOfReads {
  private readonly flagLists = new WeakMap<FlagSnapshot, FlagListMemo>();
  private readonly segmentLists = new WeakMap<FlagSnapshot, SegmentListMemo>();

  constructor(
    private readonly history: TimeTravel,
    private readonly live: { flags: FlagListMemo; segments: SegmentListMemo },
  ) {}

  /**
   * The state `asOf` names (as-of.ts), or the live one when absent; when given, the response carries
   * `Flagwire-As-Of-Revision`, the revision the answer is for.
   */
  async stateFor(asOf: string | undefined, res: Response): Promise<FlagState> {
    if (asOf === undefined) return this.history.live;
    const state = await this.history.stateAt(parseAsOf(asOf));
    res.setHeader(AS_OF_REVISION_HEADER, String(state.revision));
    return state;
  }

  flagList(state: FlagState): FlagListMemo {
    if (state.live) return this.live.flags;
    let lists = this.flagLists.get(state.records);
    if (!lists) {
      lists = new FlagListMemo(state.records, PAST_LIST_ENTRIES);
      this.flagLists.set(state.records, lists);
    }
    return lists;
  }

  segmentList(state: FlagState): SegmentListMemo {
    if (state.live) return this.live.segments;
    let list = this.segmentLists.get(state.records);
    if (!list) {
      list = new SegmentListMemo(state.records);
      this.segmentLists.set(state.records, list);
    }
    return list;
  }
}
