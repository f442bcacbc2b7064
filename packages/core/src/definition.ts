import { z } from 'zod';

/*
 * The flag document: the one schema from which the service's validation, storage mapping and wire
 * parsing, and the client's types, follow. This file says the SHAPE (what JSON is accepted where);
 * the rules that span fields (a variant named in a rule exists, values have the flag's type, weights
 * total 1..100,000, no prerequisite cycle, known segments, safe regular expressions, size limits) are
 * checked by `validateFlag` / `validateSegment` on top of it. A definition that passes both can always
 * be evaluated (clause values are read by one reader for both: clause-values.ts).
 */

/** Letters, digits, `.`, `_`, `-`, `:`; first character a letter or digit (flags, segments, environments). */
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
export const MAX_KEY_LENGTH = 128;

export const Key = z.string().min(1).max(MAX_KEY_LENGTH).regex(KEY_PATTERN);

/** Any JSON value: a variant's value, a context attribute. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

export const FLAG_TYPES = ['boolean', 'string', 'number', 'object'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

/** Clause operators. Each compares the context attribute with the clause's `values` (any one matches). */
export const OPERATORS = [
  'in',
  'notIn',
  'startsWith',
  'endsWith',
  'contains',
  'matches',
  'lt',
  'lte',
  'gt',
  'gte',
  'before',
  'after',
  'semverEq',
  'semverLt',
  'semverGt',
  'exists',
  'segmentMatch',
] as const;
export type Operator = (typeof OPERATORS)[number];

export const Clause = z.strictObject({
  /** The context attribute compared (`targetingKey` included); not used by `segmentMatch`. */
  attribute: z.string().min(1).optional(),
  op: z.enum(OPERATORS),
  /** For `segmentMatch`: segment keys. For `exists`: ignored (may be empty). */
  values: z.array(z.union([z.string(), z.number()])).default([]),
  /** Inverts this clause's result (a missing attribute then matches). */
  negate: z.boolean().default(false),
});
export type Clause = z.output<typeof Clause>;

export const WeightedVariant = z.strictObject({ variant: z.string(), weight: z.number() });
export type WeightedVariant = z.output<typeof WeightedVariant>;

export const Rollout = z.strictObject({
  /** The context attribute hashed; `targetingKey` when absent. */
  bucketBy: z.string().min(1).optional(),
  /** Prepended to the hashed value; the flag's key when absent (flagd's default). */
  seed: z.string().optional(),
  /** Integer weights, in this order (the order decides buckets: keep it when changing percentages). */
  weights: z.array(WeightedVariant).min(1),
});
export type Rollout = z.output<typeof Rollout>;

/** What a rule or the fallthrough serves: one variant, or a percentage rollout. */
export const Serve = z.union([z.strictObject({ variant: z.string() }), z.strictObject({ rollout: Rollout })]);
export type Serve = z.output<typeof Serve>;

export const Rule = z.strictObject({
  /** Optional stable name, reported when the rule decides (`TARGETING_MATCH` / `SPLIT`). */
  id: z.string().min(1).max(MAX_KEY_LENGTH).optional(),
  description: z.string().optional(),
  /** All must match (AND). */
  clauses: z.array(Clause).min(1),
  serve: Serve,
});
export type Rule = z.output<typeof Rule>;

export const Target = z.strictObject({ variant: z.string(), values: z.array(z.string()).min(1) });
export type Target = z.output<typeof Target>;

export const Prerequisite = z.strictObject({ flag: Key, variants: z.array(z.string()).min(1) });
export type Prerequisite = z.output<typeof Prerequisite>;

/** A flag's decision in one environment. */
export const EnvironmentConfig = z.strictObject({
  enabled: z.boolean(),
  /** Served when disabled or when a prerequisite fails. */
  offVariant: z.string(),
  prerequisites: z.array(Prerequisite).default([]),
  /** Individual targeting by `targetingKey`, checked before rules. */
  targets: z.array(Target).default([]),
  /** Ordered: the first whose clauses all match decides. */
  rules: z.array(Rule).default([]),
  fallthrough: Serve,
});
export type EnvironmentConfig = z.output<typeof EnvironmentConfig>;

export const FlagDefinition = z.strictObject({
  key: Key,
  description: z.string().default(''),
  type: z.enum(FLAG_TYPES),
  /** Variant name -> value; every value has the flag's `type`. */
  variants: z.record(z.string().min(1), JsonValue),
  tags: z.array(z.string()).default([]),
  /** Environment key -> decision. An environment missing here serves the caller's default (DISABLED). */
  environments: z.record(Key, EnvironmentConfig).default({}),
});
/** A definition as written by a user (defaults may be omitted). */
export type FlagDefinitionInput = z.input<typeof FlagDefinition>;
/** A definition with every default filled in: what the evaluator reads. */
export type FlagDefinition = z.output<typeof FlagDefinition>;

export const SegmentRule = z.strictObject({ clauses: z.array(Clause).min(1) });
export type SegmentRule = z.output<typeof SegmentRule>;

/** A named, reusable set of contexts, shared by every environment. */
export const Segment = z.strictObject({
  key: Key,
  description: z.string().default(''),
  /** `targetingKey`s always in the segment (unless excluded). */
  included: z.array(z.string()).default([]),
  /** `targetingKey`s never in the segment: wins over everything. */
  excluded: z.array(z.string()).default([]),
  /** OR-ed; each an AND of clauses. */
  rules: z.array(SegmentRule).default([]),
});
export type SegmentInput = z.input<typeof Segment>;
export type Segment = z.output<typeof Segment>;

/** The evaluation context: `targetingKey` plus any attributes. */
export type EvaluationContext = { targetingKey?: string } & Record<string, JsonValue | undefined>;

/** An environment (`production`, `staging`, ...): each flag is configured per environment. */
export const Environment = z.strictObject({
  key: Key,
  description: z.string().max(1000).default(''),
});
export type EnvironmentInput = z.input<typeof Environment>;
export type Environment = z.output<typeof Environment>;
