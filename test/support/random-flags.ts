import type { EvaluationContext, FlagType, JsonValue } from '@flagwire/core';
import fc from 'fast-check';

/*
 * Random but valid flag documents and evaluation contexts, for properties that compare two evaluations
 * of the same flags. Values are drawn from small pools shared by clauses and contexts, so rules match
 * often enough to exercise every branch (targets, several operators, negation, rollouts, prerequisites)
 * instead of falling through almost always.
 */

/** targetingKeys drawn from this pool; targets and segments name some of them. */
export const USERS = Array.from({ length: 24 }, (_, i) => `user-${i}`);

const PLANS = ['free', 'pro', 'team', 'enterprise'];
const COUNTRIES = ['FR', 'DE', 'US', 'JP'];
const EMAILS = ['ann@example.com', 'bob@corp.example', 'cy@example.com', 'dee@other.org'];
const VERSIONS = ['1.2.3', '1.10.0', '2.0.0', '2.0.0-beta.1', 'v1.2.3'];
const DATES = ['2023-12-31', '2024-06-01T12:00:00Z', '2025-01-01', '2026-11-26T10:00:00+01:00'];

/** The attributes contexts carry and clauses read: each with values of its own kind (and a few others). */
const ATTRIBUTES: Record<string, fc.Arbitrary<JsonValue>> = {
  plan: fc.constantFrom(...PLANS),
  country: fc.constantFrom(...COUNTRIES),
  email: fc.constantFrom(...EMAILS),
  age: fc.oneof(fc.integer({ min: 0, max: 99 }), fc.double({ min: 0, max: 99, noNaN: true })),
  appVersion: fc.constantFrom(...VERSIONS),
  signedUp: fc.oneof(fc.constantFrom(...DATES), fc.integer({ min: 1.6e12, max: 1.8e12 })),
  beta: fc.boolean(),
};
const ATTRIBUTE_NAMES = Object.keys(ATTRIBUTES);

/** A context: usually a pooled targetingKey (sometimes none, sometimes any string), a few attributes of
 * the right kind, now and then one of the wrong kind or null. */
export const contextArbitrary: fc.Arbitrary<EvaluationContext> = fc
  .record(
    {
      targetingKey: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...USERS) },
        { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
      ),
      ...Object.fromEntries(
        ATTRIBUTE_NAMES.map((name) => [
          name,
          fc.oneof(
            { weight: 6, arbitrary: ATTRIBUTES[name] as fc.Arbitrary<JsonValue> },
            { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.string({ maxLength: 4 }), fc.integer()) },
          ),
        ]),
      ),
    },
    { requiredKeys: [] },
  )
  .map((context) => context as EvaluationContext);

/** A clause's operator, attribute and values, of kinds that operator reads. */
const clauseArbitrary = fc
  .oneof(
    fc.record({
      op: fc.constantFrom('in', 'notIn'),
      attribute: fc.constantFrom('plan', 'country', 'targetingKey', 'age', 'beta'),
      values: fc.array(
        fc.oneof(fc.constantFrom(...PLANS, ...COUNTRIES, ...USERS, 'true'), fc.integer({ min: 0, max: 99 })),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
    }),
    fc.record({
      op: fc.constantFrom('startsWith', 'endsWith', 'contains'),
      attribute: fc.constantFrom('email', 'plan', 'targetingKey'),
      values: fc.array(fc.constantFrom('a', 'p', 'ro', 'example.com', '@', 'user-1', 'org'), {
        minLength: 1,
        maxLength: 3,
      }),
    }),
    fc.record({
      op: fc.constant('matches'),
      attribute: fc.constantFrom('email', 'plan', 'targetingKey'),
      values: fc.array(
        fc.constantFrom('^pro$', '@example\\.com$', '^user-1\\d?$', '[aeiou]{2}', '^(free|team)'),
        {
          minLength: 1,
          maxLength: 2,
        },
      ),
    }),
    fc.record({
      op: fc.constantFrom('lt', 'lte', 'gt', 'gte'),
      attribute: fc.constant('age'),
      values: fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 2 }),
    }),
    fc.record({
      op: fc.constantFrom('before', 'after'),
      attribute: fc.constant('signedUp'),
      values: fc.array(fc.constantFrom(...DATES), { minLength: 1, maxLength: 2 }),
    }),
    fc.record({
      op: fc.constantFrom('semverEq', 'semverLt', 'semverGt'),
      attribute: fc.constant('appVersion'),
      values: fc.array(fc.constantFrom('1.2.3', '2.0.0', '1.10.0'), { minLength: 1, maxLength: 2 }),
    }),
    fc.record({
      op: fc.constant('exists'),
      attribute: fc.constantFrom(...ATTRIBUTE_NAMES),
      values: fc.constant([]),
    }),
  )
  .chain((clause) => fc.boolean().map((negate) => ({ ...clause, negate })));

/** Variant names and values for each type. */
const VARIANTS: Record<FlagType, Record<string, JsonValue>> = {
  boolean: { on: true, off: false },
  string: { control: 'v1', treatment: 'v2', off: 'v0' },
  number: { low: 1, mid: 2.5, high: 10, off: 0 },
  object: { small: { size: 's', items: [1] }, large: { size: 'l', items: [1, 2, 3] }, off: {} },
};

function serveArbitrary(variants: string[]) {
  const rollout = fc
    .record({
      weights: fc
        .array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: variants.length })
        .filter((weights) => weights.some((w) => w > 0))
        .chain((weights) =>
          fc
            .shuffledSubarray(variants, { minLength: weights.length, maxLength: weights.length })
            .map((names) => weights.map((weight, i) => ({ variant: names[i] as string, weight }))),
        ),
      bucketBy: fc.option(fc.constantFrom('targetingKey', 'email'), { nil: undefined }),
      seed: fc.option(fc.constantFrom('', 'experiment-7'), { nil: undefined }),
    })
    .map(({ weights, bucketBy, seed }) => ({
      rollout: { weights, ...(bucketBy !== undefined && { bucketBy }), ...(seed !== undefined && { seed }) },
    }));
  return fc.oneof(
    fc.constantFrom(...variants).map((variant) => ({ variant })),
    rollout,
  );
}

/** The key of flag `index` of a set written under `prefix`. */
export const flagKeyOf = (prefix: string, index: number) => `${prefix}f${index}`;

const TYPES: FlagType[] = ['boolean', 'string', 'number', 'object'];

/** Prerequisites on some of the flags before `index` (so never a cycle), each listing some of its variants. */
function prerequisitesArbitrary(prefix: string, index: number, types: FlagType[]) {
  if (index === 0) return fc.constant([]);
  const earlier = Array.from({ length: index }, (_, j) => j);
  return fc
    .uniqueArray(fc.constantFrom(...earlier), { maxLength: 2 })
    .chain((required) =>
      fc.tuple(
        ...required.map((j) =>
          fc
            .subarray(Object.keys(VARIANTS[types[j] as FlagType]), { minLength: 1, maxLength: 2 })
            .map((variants) => ({ flag: flagKeyOf(prefix, j), variants })),
        ),
      ),
    );
}

/** Up to two individual target lists; a targetingKey is in one list at most (validation says so). */
function targetsArbitrary(variants: string[]) {
  return fc
    .tuple(
      fc.shuffledSubarray(USERS, { maxLength: 8 }),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom(...variants),
      fc.constantFrom(...variants),
    )
    .map(([users, cut, first, second]) =>
      [users.slice(0, cut), users.slice(cut)]
        .filter((values) => values.length > 0)
        .map((values, i) => ({ variant: i === 0 ? first : second, values })),
    );
}

/** One flag document of `type`, as `PUT /feature-flags/{key}` takes it, configured in production. */
function flagArbitrary(prefix: string, index: number, types: FlagType[], segments: readonly string[]) {
  const type = types[index] as FlagType;
  const variants = Object.keys(VARIANTS[type]);
  return fc
    .record({
      enabled: fc.oneof(
        { weight: 5, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      offVariant: fc.constantFrom(...variants),
      prerequisites: prerequisitesArbitrary(prefix, index, types),
      targets: targetsArbitrary(variants),
      rules: fc.array(
        fc.record({
          clauses: fc.array(ruleClauseArbitrary(segments), { minLength: 1, maxLength: 3 }),
          serve: serveArbitrary(variants),
        }),
        { maxLength: 4 },
      ),
      fallthrough: serveArbitrary(variants),
    })
    .map((production) => ({
      key: flagKeyOf(prefix, index),
      type,
      variants: VARIANTS[type],
      environments: { production },
    }));
}

/**
 * A set of `count` flag documents under `prefix`; flag i may require flags before it. With `segments`
 * (keys of existing segments), rules may also hold `segmentMatch` clauses on them.
 */
export function flagSetArbitrary(prefix: string, count: number, segments: readonly string[] = []) {
  return fc
    .array(fc.constantFrom(...TYPES), { minLength: count, maxLength: count })
    .chain((types) => fc.tuple(...types.map((_, index) => flagArbitrary(prefix, index, types, segments))));
}

/** A rule's clause: any operator on an attribute, or (given segment keys) a `segmentMatch`. */
function ruleClauseArbitrary(segments: readonly string[]) {
  if (segments.length === 0) return clauseArbitrary;
  const segmentMatch = fc
    .record({
      op: fc.constant('segmentMatch'),
      values: fc.uniqueArray(fc.constantFrom(...segments), { minLength: 1, maxLength: 2 }),
      negate: fc.boolean(),
    })
    .map((clause) => clause as typeof clause & { attribute?: string });
  return fc.oneof({ weight: 3, arbitrary: clauseArbitrary }, { weight: 2, arbitrary: segmentMatch });
}

/** A segment as the store holds it (defaults filled in): included and excluded keys, rules of clauses. */
export function segmentArbitrary(key: string) {
  return fc.record({
    key: fc.constant(key),
    description: fc.constant(''),
    included: fc.uniqueArray(fc.constantFrom(...USERS), { maxLength: 6 }),
    excluded: fc.uniqueArray(fc.constantFrom(...USERS), { maxLength: 3 }),
    rules: fc.array(fc.record({ clauses: fc.array(clauseArbitrary, { minLength: 1, maxLength: 2 }) }), {
      maxLength: 2,
    }),
  });
}
