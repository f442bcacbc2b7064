import { type FlagChange, type FlagRecord, kindOfKey, segmentRecordKey } from '../flags/flag.js';
import { ALL_ENVIRONMENTS, type FlagView, flagView } from '../flags/flag-view.js';
import { segmentKeyOf, segmentView, segmentViews } from '../flags/segment-view.js';
import { assertValidKey, normalizePrefix } from '../flags/validation.js';
import type { GraphQLContext } from './context.js';
import type { Resolvers } from './generated.js';
import { toExpectedVersion, toFlagInput, toFlagPatch } from './inputs.js';
import { JsonScalar } from './json-scalar.js';

function view(flag: FlagRecord): FlagView {
  return flagView(flag, ALL_ENVIRONMENTS);
}

/** The flag service, for a principal allowed to write (FORBIDDEN) and within its write rate (RATE_LIMITED). */
function writer(ctx: GraphQLContext) {
  ctx.access.requireWrite(ctx.principal);
  ctx.writeLimiter.take(ctx.principal);
  return ctx.flags;
}

/** The segment service, under the same rules as {@link writer}. */
function segmentWriter(ctx: GraphQLContext) {
  ctx.access.requireWrite(ctx.principal);
  ctx.writeLimiter.take(ctx.principal);
  return ctx.segments;
}

/**
 * Thin: reads come from the snapshot, writes go through the FlagService, which validates, and live
 * changes from the subscription hub.
 */
export const resolvers: Resolvers = {
  JSON: JsonScalar,
  Query: {
    flags: (_parent, { prefix }, { snapshot }) =>
      snapshot.list(normalizePrefix(prefix)).map((flag) => flagView(flag, ALL_ENVIRONMENTS)),
    flag: (_parent, { key }, { snapshot }) => {
      assertValidKey(key);
      const flag = snapshot.get(key);
      return flag?.kind === 'flag' ? flagView(flag, ALL_ENVIRONMENTS) : null;
    },
    segments: (_parent, _args, { snapshot }) => segmentViews(snapshot),
    segment: (_parent, { key }, { snapshot }) => {
      assertValidKey(key);
      const record = snapshot.get(segmentRecordKey(key));
      return record?.kind === 'segment' ? segmentView(record) : null;
    },
  },
  Mutation: {
    createFlag: async (_parent, { input }, ctx) => view(await writer(ctx).create(toFlagInput(input))),
    setFlag: async (_parent, { input }, ctx) => {
      const { flag, created } = await writer(ctx).upsert(toFlagInput(input));
      return { flag: view(flag), created };
    },
    updateFlag: async (_parent, { key, patch, expectedVersion }, ctx) =>
      view(await writer(ctx).update(key, toFlagPatch(patch), toExpectedVersion(expectedVersion))),
    toggleFlag: async (_parent, { key, expectedVersion }, ctx) =>
      view(await writer(ctx).toggle(key, toExpectedVersion(expectedVersion))),
    deleteFlag: (_parent, { key, expectedVersion }, ctx) =>
      writer(ctx).remove(key, toExpectedVersion(expectedVersion)),
    createSegment: async (_parent, { segment }, ctx) => segmentView(await segmentWriter(ctx).create(segment)),
    replaceSegment: async (_parent, { key, segment, expectedVersion }, ctx) => {
      const written = await segmentWriter(ctx).replace(key, segment, {
        expectedVersion: toExpectedVersion(expectedVersion),
      });
      return { segment: segmentView(written.segment), created: written.created };
    },
    deleteSegment: (_parent, { key, expectedVersion }, ctx) =>
      segmentWriter(ctx).remove(key, toExpectedVersion(expectedVersion)),
  },
  Subscription: {
    flagChanged: {
      // Validated before the hub registers anything: a bad prefix costs no subscriber.
      subscribe: (_parent, { prefix }, { subscriptions }) => subscriptions.subscribe(normalizePrefix(prefix)),
      resolve: (change: FlagChange) => change,
    },
  },
  FlagChange: {
    kind: (change) => (change.kind === 'upsert' ? 'UPSERT' : 'DELETE'),
    entity: (change) => (kindOfKey(change.key) === 'segment' ? 'SEGMENT' : 'FLAG'),
    // A segment's own key, not its store key.
    key: (change) => (kindOfKey(change.key) === 'segment' ? segmentKeyOf(change.key) : change.key),
    version: (change) => (change.kind === 'upsert' ? change.flag.version : change.version),
    flag: (change) => (change.kind === 'upsert' && change.flag.kind === 'flag' ? view(change.flag) : null),
    segment: (change) =>
      change.kind === 'upsert' && change.flag.kind === 'segment' ? segmentView(change.flag) : null,
  },
  Segment: {
    id: (segment) => segment.key,
    description: (segment) => segment.definition.description,
    included: (segment) => segment.definition.included,
    excluded: (segment) => segment.definition.excluded,
  },
};
