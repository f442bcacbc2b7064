import { FLAG_TYPES, OPERATORS, type ValidationResult, validateFlag, validateSegment } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { exampleContext } from './support.js';

const ctx = exampleContext();
const RUNS = 1000;
const QUICK_RUNS = 500;

/** Names that exist, names that don't, and one that only an inherited property has. */
const variantName = fc.constantFrom('on', 'off', 'control', 'treatment', 'toString');
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('a\u0000b', '\ud800', ''));

const typedValue = (type: (typeof FLAG_TYPES)[number]): fc.Arbitrary<unknown> => {
  const right = {
    boolean: fc.boolean(),
    string: fc.string({ maxLength: 8 }),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(-0)),
    object: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  }[type];
  return fc.oneof({ weight: 8, arbitrary: right }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
};

const weight = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 60_000 }) },
  { weight: 1, arbitrary: fc.double() },
);
const serve = fc.oneof(
  fc.record({ variant: variantName }),
  fc.record(
    {
      rollout: fc.record(
        {
          bucketBy: fc.constantFrom('targetingKey', 'orgId', ''),
          seed: fc.string({ maxLength: 4 }),
          weights: fc.array(fc.record({ variant: variantName, weight }), { minLength: 1, maxLength: 3 }),
        },
        { requiredKeys: ['weights'] },
      ),
    },
    { requiredKeys: ['rollout'] },
  ),
);

const clauseValue = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.constantFrom(
    '2026-03-01',
    '2026-03-01T09:30:00Z',
    '2026-02-30',
    '1.4.0',
    'v2.0.0-rc.1',
    '^a+$',
    '(a',
    'beta-testers',
  ),
);
const clause = fc.record(
  {
    attribute: fc.constantFrom('plan', 'targetingKey', 'email'),
    op: fc.constantFrom(...OPERATORS),
    values: fc.array(clauseValue, { maxLength: 3 }),
    negate: fc.boolean(),
  },
  { requiredKeys: ['op'] },
);
const rule = fc.record(
  {
    id: fc.constantFrom('r1', 'r2'),
    description: text,
    clauses: fc.array(clause, { minLength: 1, maxLength: 2 }),
    serve,
  },
  { requiredKeys: ['clauses', 'serve'] },
);
const environment = fc.record(
  {
    enabled: fc.boolean(),
    offVariant: variantName,
    prerequisites: fc.array(
      fc.record({
        flag: fc.constantFrom('checkout.enabled', 'missing', 'flag-under-test'),
        variants: fc.array(fc.constantFrom('on', 'off', 'maybe'), { minLength: 1, maxLength: 2 }),
      }),
      { maxLength: 1 },
    ),
    targets: fc.array(
      fc.record({
        variant: variantName,
        values: fc.array(fc.constantFrom('u1', 'u2', 'u3'), { minLength: 1, maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
    rules: fc.array(rule, { maxLength: 3 }),
    fallthrough: serve,
  },
  { requiredKeys: ['enabled', 'offVariant', 'fallthrough'] },
);
/** Documents near the valid ones: each part right most of the time, so some are accepted and many refused late. */
const flagDocument = fc.constantFrom(...FLAG_TYPES).chain((type) =>
  fc.record(
    {
      key: fc.constantFrom('flag-under-test', 'bad key'),
      description: text,
      type: fc.constant(type),
      variants: fc.dictionary(variantName, typedValue(type), { minKeys: 1, maxKeys: 4 }),
      tags: fc.array(text, { maxLength: 2 }),
      environments: fc.dictionary(fc.constantFrom('production', 'staging', 'qa'), environment, {
        maxKeys: 2,
      }),
    },
    { requiredKeys: ['key', 'type', 'variants'] },
  ),
);

const segmentDocument = fc.record(
  {
    key: fc.constantFrom('beta', 'bad key'),
    description: text,
    included: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
    excluded: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
    rules: fc.array(fc.record({ clauses: fc.array(clause, { minLength: 1, maxLength: 2 }) }), {
      maxLength: 2,
    }),
  },
  { requiredKeys: ['key'] },
);

/** What was accepted re-validates to itself and survives JSON unchanged. */
function expectStable<T>(
  result: ValidationResult<T>,
  validate: (input: unknown) => ValidationResult<T>,
): boolean {
  if (!result.ok) {
    expect(result.issues.length).toBeGreaterThan(0);
    expect(result.issues.every((issue) => issue.code !== 'INTERNAL_ERROR')).toBe(true);
    return false;
  }
  expect(validate(result.value)).toEqual(result);
  const throughJson = JSON.parse(JSON.stringify(result.value)) as unknown;
  expect(throughJson).toEqual(result.value);
  expect(validate(throughJson)).toEqual(result);
  return true;
}

describe('validateFlag: properties', () => {
  it('never throws on arbitrary JSON, and refuses it with issues rather than an internal error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        expectStable(validateFlag(input, ctx), (again) => validateFlag(again, ctx));
        expectStable(validateSegment(input), validateSegment);
      }),
      { numRuns: QUICK_RUNS },
    );
  });

  it('never throws on any JavaScript value at all', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withNullPrototype: true,
      withSet: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(anything, (input) => {
        expect(() => validateFlag(input, ctx)).not.toThrow();
        expect(() => validateSegment(input)).not.toThrow();
      }),
      { numRuns: QUICK_RUNS },
    );
  });

  it('accepts only what re-validates to itself and round-trips through JSON', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(flagDocument, (input) => {
        if (expectStable(validateFlag(input, ctx), (again) => validateFlag(again, ctx))) accepted++;
        else refused++;
      }),
      { numRuns: RUNS },
    );
    // The property would hold vacuously if nothing (or everything) were accepted; about 7% are accepted.
    expect(accepted).toBeGreaterThan(RUNS / 100);
    expect(refused).toBeGreaterThan(RUNS / 100);
  });

  it('accepts only segments that re-validate to themselves and round-trip through JSON', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(segmentDocument, (input) => {
        if (expectStable(validateSegment(input), validateSegment)) accepted++;
        else refused++;
      }),
      { numRuns: QUICK_RUNS },
    );
    expect(accepted).toBeGreaterThan(QUICK_RUNS / 100);
    expect(refused).toBeGreaterThan(QUICK_RUNS / 100);
  });
});
