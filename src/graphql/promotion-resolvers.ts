import { attributionOf } from '../audit/attribution.js';
import { ValidationError } from '../flags/errors.js';
import { ALL_ENVIRONMENTS, flagView } from '../flags/flag-view.js';
import type { PromotionStatus } from '../flags/promotion-service.js';
import type { ExpectedVersion, Resolvers } from './generated.js';

const STATUSES = {
  changed: 'CHANGED',
  unchanged: 'UNCHANGED',
  notInSource: 'NOT_IN_SOURCE',
} as const satisfies Record<PromotionStatus, string>;

/** `promote` (admin tokens, within the write rate), thin over the PromotionService. */
export const promotionResolvers: Resolvers = {
  Mutation: {
    promote: async (_parent, args, ctx) => {
      ctx.access.requireWrite(ctx.principal);
      ctx.writeLimiter.take(ctx.principal);
      return ctx.promotions.promote(attributionOf(ctx.principal.name, args.comment), {
        from: args.from,
        to: args.to,
        flags: args.flags ?? undefined,
        prefix: args.prefix ?? undefined,
        dryRun: args.dryRun ?? false,
        expectedVersions: versionsByKey(args.expectedVersions),
      });
    },
  },
  PromotedFlag: {
    status: (flag) => STATUSES[flag.status],
    diff: (flag) => [...flag.diff],
    flag: (flag) => flagView(flag.flag, ALL_ENVIRONMENTS),
  },
};

/** The list GraphQL takes as the map the service takes; a key given twice is refused. */
function versionsByKey(
  list: readonly ExpectedVersion[] | null | undefined,
): Record<string, number> | undefined {
  if (list === null || list === undefined) return undefined;
  const versions: Record<string, number> = {};
  for (const { key, version } of list) {
    if (Object.hasOwn(versions, key))
      throw new ValidationError(`'expectedVersions' names '${key}' more than once`, {
        field: 'expectedVersions',
      });
    versions[key] = version;
  }
  return versions;
}
