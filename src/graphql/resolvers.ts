import type { FlagChange, FlagRecord } from '../flags/flag.js';
import { ALL_ENVIRONMENTS, type FlagView, flagView } from '../flags/flag-view.js';
import { assertValidKey, normalizePrefix } from '../flags/validation.js';
import type { GraphQLContext } from './context.js';
import { environmentsOf, rulesOf, variantsOf } from './flag-parts.js';
import type { Resolvers } from './generated.js';
import { toEnvironment, toExpectedVersion, toFlagInput, toFlagPatch, toRollout } from './inputs.js';
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

/**
 * The value of a payload's `query: Query!` field. Query's resolvers read the snapshot from the context
 * and never their parent, so any object will do: clients normalise it into their root query.
 */
const READS = {};

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
  },
  Mutation: {
    createFlag: async (_parent, { input }, ctx) => view(await writer(ctx).create(toFlagInput(input))),
    setFlag: async (_parent, { input }, ctx) => {
      const { flag, created } = await writer(ctx).upsert(toFlagInput(input));
      return { flag: view(flag), created, query: READS };
    },
    updateFlag: async (_parent, { key, patch, expectedVersion }, ctx) =>
      view(await writer(ctx).update(key, toFlagPatch(patch), toExpectedVersion(expectedVersion))),
    toggleFlag: async (_parent, { key, environment, expectedVersion }, ctx) =>
      view(await writer(ctx).toggle(key, toExpectedVersion(expectedVersion), toEnvironment(environment))),
    replaceFlag: async (_parent, { key, definition, expectedVersion }, ctx) => {
      const guard = { expectedVersion: toExpectedVersion(expectedVersion) };
      const { flag, created } = await writer(ctx).replace(key, definition, guard);
      return { flag: view(flag), created, query: READS };
    },
    setRules: async (_parent, { key, environment, rules, expectedVersion }, ctx) =>
      view(await writer(ctx).setRules(key, environment, rules, toExpectedVersion(expectedVersion))),
    setRollout: async (_parent, { key, environment, ruleId, rollout, expectedVersion }, ctx) =>
      view(
        await writer(ctx).setRollout(
          key,
          environment,
          ruleId ?? null,
          toRollout(rollout),
          toExpectedVersion(expectedVersion),
        ),
      ),
    deleteFlag: async (_parent, { key, expectedVersion }, ctx) => ({
      ...(await writer(ctx).remove(key, toExpectedVersion(expectedVersion))),
      query: READS,
    }),
  },
  Flag: {
    id: (flag) => flag.key,
    type: (flag) => flag.definition.type,
    variants: variantsOf,
    tags: (flag) => flag.definition.tags,
    environments: environmentsOf,
  },
  FlagEnvironment: {
    enabled: (part) => part.config.enabled,
    offVariant: (part) => part.config.offVariant,
    prerequisites: (part) => part.config.prerequisites,
    targets: (part) => part.config.targets,
    rules: rulesOf,
    fallthrough: (part) => part.config.fallthrough,
  },
  Rule: {
    name: (part) => part.rule.id ?? null,
    description: (part) => part.rule.description ?? null,
    clauses: (part) => part.rule.clauses,
    serve: (part) => part.rule.serve,
  },
  Serve: {
    variant: (serve) => ('variant' in serve ? serve.variant : null),
    rollout: (serve) => ('rollout' in serve ? serve.rollout : null),
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
    version: (change) => (change.kind === 'upsert' ? change.flag.version : change.version),
    flag: (change) => (change.kind === 'upsert' && change.flag.kind === 'flag' ? view(change.flag) : null),
    query: () => READS,
  },
};
