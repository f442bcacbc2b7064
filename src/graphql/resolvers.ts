import { type Attribution, attributionOf } from '../audit/attribution.js';
import { DECISION_KINDS } from '../evaluation/decision.js';
import { evaluationEnvironment } from '../evaluation/environment.js';
import { assertMayEvaluate } from '../evaluation/permission.js';
import { environmentViews } from '../flags/environment-service.js';
import { type FlagRecord, kindOfKey, segmentRecordKey } from '../flags/flag.js';
import { ALL_ENVIRONMENTS, type FlagView, flagView, viewIdentity } from '../flags/flag-view.js';
import { readScopeOf, writeEnvironmentOf } from '../flags/read-scope.js';
import type { RecordCatalog } from '../flags/record-catalog.js';
import { segmentIdentity, segmentKeyOf, segmentView, segmentViews } from '../flags/segment-view.js';
import { assertValidKey, normalizePrefix } from '../flags/validation.js';
import { stateOf, withState } from './as-of-state.js';
import type { GraphQLContext } from './context.js';
import { environmentsOf, rulesOf, variantsOf } from './flag-parts.js';
import type { InputMaybe, Resolvers } from './generated.js';
import { toExpectedVersion, toFlagInput, toFlagPatch, toRollout } from './inputs.js';
import { JsonScalar } from './json-scalar.js';
import type { ScopedFlagChange } from './subscription-hub.js';

/** A written flag as the environment written sees it, or whole when none was named. */
function written(flag: FlagRecord, environment: string | undefined): FlagView {
  return flagView(flag, environment ?? ALL_ENVIRONMENTS);
}

/** The principal must be allowed to write (FORBIDDEN) and within its write rate (RATE_LIMITED). */
function mayWrite(ctx: GraphQLContext): void {
  ctx.access.requireWrite(ctx.principal);
  ctx.writeLimiter.take(ctx.principal);
}

/** The flag service, for a principal allowed to write. */
function writer(ctx: GraphQLContext) {
  mayWrite(ctx);
  return ctx.flags;
}

/**
 * The read scope of a query or subscription: the token's environment, else the argument (read-scope.ts),
 * which must exist in `catalog` (the live view, or the state read with `asOf`).
 */
function scopeOf(
  ctx: GraphQLContext,
  environment: InputMaybe<string> | undefined,
  catalog: RecordCatalog = ctx.snapshot,
) {
  return readScopeOf(catalog, ctx.principal.environment, environment);
}

/** Who writes (the token's name) and why (the mutation's `comment`), for its audit entry. */
function by(ctx: GraphQLContext, comment: InputMaybe<string> | undefined): Attribution {
  return attributionOf(ctx.principal.name, comment);
}

/** The segment service, for a principal allowed to write. */
function segmentWriter(ctx: GraphQLContext) {
  mayWrite(ctx);
  return ctx.segments;
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
    flags: (_parent, { prefix, environment, asOf }, ctx) => {
      const listed = normalizePrefix(prefix);
      return withState(ctx, asOf, ({ records, live }) => {
        const scope = scopeOf(ctx, environment, records);
        return records.list(listed).map((flag) => flagView(flag, scope, !live));
      });
    },
    flag: (_parent, { key, environment, asOf }, ctx) => {
      assertValidKey(key);
      return withState(ctx, asOf, ({ records, live }) => {
        const scope = scopeOf(ctx, environment, records);
        const flag = records.get(key);
        return flag?.kind === 'flag' ? flagView(flag, scope, !live) : null;
      });
    },
    environments: (_parent, { asOf }, ctx) =>
      withState(ctx, asOf, (state) => environmentViews(state.records)),
    readEnvironment: (_parent, _args, ctx) => {
      const scope = scopeOf(ctx, undefined);
      return scope === ALL_ENVIRONMENTS ? null : scope;
    },
    // With `asOf`: the flags, segments and environments then, through the same evaluator.
    evaluate: (_parent, { key, context, environment, asOf }, ctx) => {
      assertMayEvaluate(ctx.principal);
      return withState(ctx, asOf, ({ records, evaluator, live, revision }) => {
        const served = evaluator.evaluate(
          key,
          evaluationEnvironment(ctx.principal, environment, records),
          context,
        );
        return live ? served : { ...served, asOfRevision: revision };
      });
    },
    evaluateAll: (_parent, { context, environment, prefix, asOf }, ctx) => {
      assertMayEvaluate(ctx.principal);
      const listed = normalizePrefix(prefix);
      return withState(ctx, asOf, ({ records, evaluator, live, revision }) => {
        const env = evaluationEnvironment(ctx.principal, environment, records);
        return records.list(listed).map((flag) => {
          const served = evaluator.evaluate(flag.key, env, context);
          return live ? served : { ...served, asOfRevision: revision };
        });
      });
    },
    historyPoint: async (_parent, { asOf }, ctx) => {
      if (ctx.memoVerdict) ctx.memoVerdict.readsHistory = true;
      const { revision, live } = await stateOf(ctx, asOf);
      return { revision, live };
    },
    viewer: (_parent, _args, { principal, access }) => ({
      canWrite: principal.scope === 'admin',
      environment: principal.environment ?? null,
      openAccess: access.open,
    }),
    segments: (_parent, { asOf }, ctx) =>
      withState(ctx, asOf, ({ records, live }) => segmentViews(records, !live)),
    segment: (_parent, { key, asOf }, ctx) => {
      assertValidKey(key);
      return withState(ctx, asOf, ({ records, live }) => {
        const record = records.get(segmentRecordKey(key));
        return record?.kind === 'segment' ? segmentView(record, !live) : null;
      });
    },
  },
  Mutation: {
    createFlag: async (_parent, { input, environment, comment }, ctx) => {
      const env = writeEnvironmentOf(environment);
      return written(await writer(ctx).create(by(ctx, comment), toFlagInput(input), env), env);
    },
    setFlag: async (_parent, { input, environment, comment }, ctx) => {
      const env = writeEnvironmentOf(environment);
      const { flag, created } = await writer(ctx).upsert(by(ctx, comment), toFlagInput(input), env);
      return { flag: written(flag, env), created, query: READS };
    },
    updateFlag: async (_parent, { key, patch, expectedVersion, environment, comment }, ctx) => {
      const env = writeEnvironmentOf(environment);
      const version = toExpectedVersion(expectedVersion);
      const flag = await writer(ctx).update(by(ctx, comment), key, toFlagPatch(patch), version, env);
      return written(flag, env);
    },
    toggleFlag: async (_parent, { key, expectedVersion, environment, comment }, ctx) => {
      const env = writeEnvironmentOf(environment);
      const version = toExpectedVersion(expectedVersion);
      return written(await writer(ctx).toggle(by(ctx, comment), key, version, env), env);
    },
    replaceFlag: async (_parent, { key, definition, expectedVersion, comment }, ctx) => {
      const guard = { expectedVersion: toExpectedVersion(expectedVersion) };
      const { flag, created } = await writer(ctx).replace(by(ctx, comment), key, definition, guard);
      return { flag: written(flag, undefined), created, query: READS };
    },
    setRules: async (_parent, { key, environment, rules, expectedVersion, comment }, ctx) => {
      const version = toExpectedVersion(expectedVersion);
      return written(
        await writer(ctx).setRules(by(ctx, comment), key, environment, rules, version),
        undefined,
      );
    },
    setRollout: async (_parent, { key, environment, ruleId, rollout, expectedVersion, comment }, ctx) => {
      const version = toExpectedVersion(expectedVersion);
      const flag = await writer(ctx).setRollout(
        by(ctx, comment),
        key,
        environment,
        ruleId ?? null,
        toRollout(rollout),
        version,
      );
      return written(flag, undefined);
    },
    deleteFlag: async (_parent, { key, expectedVersion, comment }, ctx) => ({
      ...(await writer(ctx).remove(by(ctx, comment), key, toExpectedVersion(expectedVersion))),
      query: READS,
    }),
    createEnvironment: async (_parent, { input, comment }, ctx) => {
      mayWrite(ctx);
      // GraphQL's null for an omitted description: the service takes the REST body's shape.
      const { key, description } = input;
      return ctx.environments.create(
        by(ctx, comment),
        description === null || description === undefined ? { key } : { key, description },
      );
    },
    updateEnvironment: async (_parent, { key, input, comment }, ctx) => {
      mayWrite(ctx);
      return ctx.environments.update(by(ctx, comment), key, input);
    },
    createSegment: async (_parent, { segment, comment }, ctx) =>
      segmentView(await segmentWriter(ctx).create(by(ctx, comment), segment)),
    replaceSegment: async (_parent, { key, segment, expectedVersion, comment }, ctx) => {
      const written = await segmentWriter(ctx).replace(by(ctx, comment), key, segment, {
        expectedVersion: toExpectedVersion(expectedVersion),
      });
      return { segment: segmentView(written.segment), created: written.created };
    },
    deleteSegment: (_parent, { key, expectedVersion, comment }, ctx) =>
      segmentWriter(ctx).remove(by(ctx, comment), key, toExpectedVersion(expectedVersion)),
  },
  Flag: {
    id: (flag) => viewIdentity(flag),
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
  Evaluation: {
    decision: (evaluation) => evaluation.decision ?? null,
    asOfRevision: (evaluation) => evaluation.asOfRevision ?? null,
  },
  EvaluationDecision: {
    kind: (decision) => DECISION_KINDS[decision.kind],
    index: (decision) => ('index' in decision ? decision.index : null),
    ruleId: (decision) => (decision.kind === 'rule' ? (decision.id ?? null) : null),
    prerequisite: (decision) => (decision.kind === 'prerequisite' ? decision : null),
    rollout: (decision) =>
      decision.kind === 'rule' || decision.kind === 'fallthrough' ? (decision.rollout ?? null) : null,
  },
  FailedPrerequisite: {
    served: (prerequisite) => prerequisite.served ?? null,
  },
  Serve: {
    variant: (serve) => ('variant' in serve ? serve.variant : null),
    rollout: (serve) => ('rollout' in serve ? serve.rollout : null),
  },
  Subscription: {
    flagChanged: {
      // Validated before the hub registers anything: a bad prefix or environment costs no subscriber.
      subscribe: (_parent, { prefix, environment }, ctx) =>
        ctx.subscriptions.subscribe(normalizePrefix(prefix), scopeOf(ctx, environment), ctx.deliverEvent),
      resolve: (event: ScopedFlagChange) => event,
    },
  },
  FlagChange: {
    kind: ({ change }) => (change.kind === 'upsert' ? 'UPSERT' : 'DELETE'),
    entity: ({ change }) => (kindOfKey(change.key) === 'segment' ? 'SEGMENT' : 'FLAG'),
    // A segment's own key, not its store key.
    key: ({ change }) => (kindOfKey(change.key) === 'segment' ? segmentKeyOf(change.key) : change.key),
    revision: ({ change }) => change.revision,
    version: ({ change }) => (change.kind === 'upsert' ? change.flag.version : change.version),
    flag: ({ flag }) => flag,
    query: () => READS,
    segment: ({ change }) =>
      change.kind === 'upsert' && change.flag.kind === 'segment' ? segmentView(change.flag) : null,
  },
  Segment: {
    id: segmentIdentity,
    description: (segment) => segment.definition.description,
    included: (segment) => segment.definition.included,
    excluded: (segment) => segment.definition.excluded,
  },
};
