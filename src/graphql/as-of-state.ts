import { parseAsOf } from '../history/as-of.js';
import type { FlagState } from '../history/time-travel.js';
import type { GraphQLContext } from './context.js';
import type { InputMaybe } from './generated.js';

/**
 * Runs `read` on the state a field's `asOf` names: synchronously on the live state when there is none
 * (a read without `asOf` costs what it always did), else once that state is found, the same one for
 * every field of the request that names the same `asOf`. A read of a past state is never memoised.
 */
export function withState<T>(
  ctx: GraphQLContext,
  asOf: InputMaybe<string> | undefined,
  read: (state: FlagState) => T,
): T | Promise<T> {
  if (asOf === undefined || asOf === null) return read(ctx.history.live);
  if (ctx.memoVerdict) ctx.memoVerdict.readsHistory = true;
  return stateOf(ctx, asOf).then(read);
}

/** The state `asOf` names, resolved once per request and argument. */
export function stateOf(ctx: GraphQLContext, asOf: string): Promise<FlagState> {
  let state = ctx.pastStates.get(asOf);
  if (!state) {
    state = Promise.resolve().then(() => ctx.history.stateAt(parseAsOf(asOf)));
    ctx.pastStates.set(asOf, state);
  }
  return state;
}
