/*
 * The promise between write-time validation and the evaluator: a definition that passes validateFlag can
 * always be evaluated (never PARSE_ERROR or GENERAL, never a throw, always a value of the flag's type or
 * the caller's default with an error code), and a clause value validation accepts is one the evaluator
 * reads. Definitions and contexts are generated, biased so that a good share of definitions pass.
 */
import {
  type ClauseValue,
  clauseValuesProblem,
  type EvaluationContext,
  evaluate,
  type FlagDefinition,
  type FlagType,
  fromLegacyFlag,
  type JsonValue,
  OPERATORS,
  type Operator,
  type Segment,
  validateFlag,
  validateSegment,
} from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------------
// The store every generated flag is validated and evaluated against.

function segment(input: unknown): Segment {
  const result = validateSegment(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

const SEGMENTS = new Map<string, Segment>([
  ['beta', segment({ key: 'beta', included: ['u1'], excluded: ['u2'], rules: [] })],
  [
    'grown-ups',
    segment({
      key: 'grown-ups',
      rules: [
        { clauses: [{ attribute: 'age', op: 'gte', values: [18] }] },
        { clauses: [{ attribute: 'signup', op: 'before', values: ['2020-01-01T00:00:00.5+01:00'] }] },
      ],
    }),
  ],
]);

const prerequisiteB: FlagDefinition = {
  ...fromLegacyFlag({ key: 'pre.b', isEnabled: true }),
  type: 'string',
  variants: { x: 'x', y: 'y' },
};
const preB = prerequisiteB.environments.production;
if (preB !== undefined) {
  preB.offVariant = 'y';
  preB.rules = [
    {
      clauses: [{ attribute: 'version', op: 'semverGt', values: ['v1.2.0'], negate: false }],
      serve: {
        rollout: {
          weights: [
            { variant: 'x', weight: 1 },
            { variant: 'y', weight: 1 },
          ],
        },
      },
    },
  ];
}
const FLAGS = new Map<string, FlagDefinition>([
  ['pre.a', fromLegacyFlag({ key: 'pre.a', isEnabled: true })],
  ['pre.b', prerequisiteB],
]);

const store = {
  flags: (key: string) => FLAGS.get(key),
  segments: (key: string) => SEGMENTS.get(key),
  flagKeys: () => FLAGS.keys(),
};

// ---------------------------------------------------------------------------------------------------
// Values: for each operator the forms people write, near misses, and anything at all.

const ATTRIBUTES = ['targetingKey', 'age', 'signup', 'version', 'email', 'plan', 'a'] as const;

const smallString = fc.string({ maxLength: 6 });
const number = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Dates in every shape near ISO-8601: good ones, impossible days and hours, fractions of 0-10 digits, zones or none. */
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dateText = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    time: fc.option(
      fc.record({
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 60 }),
        second: fc.option(fc.integer({ min: 0, max: 60 })),
        fraction: fc.option(fc.stringMatching(/^\d{1,10}$/)),
        zone: fc.constantFrom('Z', '+01:00', '-05:30', '+14:00', '+24:00', '', '+0100', 'z'),
      }),
    ),
    compact: fc.boolean(),
  })
  .map(({ year, month, day, time, compact }) => {
    const date = compact
      ? `${pad(year, 4)}${pad(month)}${pad(day)}`
      : `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
    if (time === null) return date;
    const seconds =
      time.second === null ? '' : `:${pad(time.second)}${time.fraction === null ? '' : `.${time.fraction}`}`;
    return `${date}T${pad(time.hour)}:${pad(time.minute)}${seconds}${time.zone}`;
  });
const epochMillis = fc.oneof(
  fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }),
  fc.constantFrom(8.64e15, 8.64e15 + 1, -8.64e15, 1e300, 0.5),
);

/** Versions and near misses: `v` and `=` prefixes, whitespace, leading zeros, missing parts. */
const versionText = fc
  .record({
    prefix: fc.constantFrom('', '', '', 'v', 'V', '=', ' ', 'v '),
    parts: fc.oneof(
      {
        arbitrary: fc.array(fc.constantFrom('0', '1', '2', '10'), { minLength: 3, maxLength: 3 }),
        weight: 4,
      },
      {
        arbitrary: fc.array(fc.constantFrom('0', '1', '2', '10', '01', 'x'), { minLength: 1, maxLength: 4 }),
        weight: 1,
      },
    ),
    pre: fc.option(fc.constantFrom('beta', 'rc.1', '0', '01', 'a..b')),
    build: fc.option(fc.constantFrom('build.5', '001', '')),
    suffix: fc.constantFrom('', '', ' '),
  })
  .map(
    ({ prefix, parts, pre, build, suffix }) =>
      `${prefix}${parts.join('.')}${pre === null ? '' : `-${pre}`}${build === null ? '' : `+${build}`}${suffix}`,
  );

/** Patterns: good ones, ones RE2 refuses, ones over the program-size limit, and random text. */
const pattern = fc.oneof(
  fc.constantFrom(
    '^a',
    'b+$',
    '(?i)ADMIN',
    '\\d{2,4}',
    '^[a-z]+@acme\\.com$',
    '\\p{Greek}+',
    '(',
    '(a)\\1',
    '(?=a)',
    'x{1001}',
    '.{1000}',
    '[z-a]',
  ),
  smallString,
);

const anyValue: fc.Arbitrary<ClauseValue> = fc.oneof(
  smallString,
  number,
  dateText,
  epochMillis,
  versionText,
  fc.stringMatching(/^-?\d{1,3}(\.\d)?$/),
);

/** Values for `op`: mostly of the operator's own kind (right or nearly right), sometimes anything. */
function valueFor(op: Operator): fc.Arbitrary<ClauseValue> {
  const own: Record<Operator, fc.Arbitrary<ClauseValue>> = {
    in: fc.oneof(smallString, number),
    notIn: fc.oneof(smallString, number),
    startsWith: smallString,
    endsWith: smallString,
    contains: smallString,
    matches: pattern,
    lt: number,
    lte: number,
    gt: number,
    gte: number,
    before: fc.oneof(dateText, epochMillis),
    after: fc.oneof(dateText, epochMillis),
    semverEq: versionText,
    semverLt: versionText,
    semverGt: versionText,
    exists: anyValue,
    segmentMatch: fc.constantFrom('beta', 'grown-ups'),
  };
  return fc.oneof({ arbitrary: own[op], weight: 6 }, { arbitrary: anyValue, weight: 1 });
}

const clause = fc
  .constantFrom(...OPERATORS)
  .chain((op) =>
    fc.record({
      op: fc.constant(op),
      attribute: fc.constantFrom(...ATTRIBUTES),
      values: fc.array(valueFor(op), { minLength: 1, maxLength: 3 }),
      negate: fc.boolean(),
    }),
  )
  .map((c) => {
    if (c.op !== 'segmentMatch') return c;
    const { attribute: _attribute, ...rest } = c;
    return rest;
  });

// ---------------------------------------------------------------------------------------------------
// Flags: a type, variants of that type (rarely not), and one environment using all of it.

const VARIANT_NAMES = ['v0', 'v1', 'v2'] as const;

function variantValue(type: FlagType): fc.Arbitrary<JsonValue> {
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'string':
      return smallString;
    case 'number':
      return number;
    case 'object':
      return fc.dictionary(fc.constantFrom('n', 's'), fc.oneof(fc.integer(), smallString), { maxKeys: 2 });
  }
}

const variantName = fc.oneof(
  { arbitrary: fc.constantFrom(...VARIANT_NAMES), weight: 30 },
  { arbitrary: fc.constant('nope'), weight: 1 },
);

const serve = fc.oneof(
  fc.record({ variant: variantName }),
  fc.record({
    rollout: fc.record(
      {
        bucketBy: fc.constantFrom(...ATTRIBUTES),
        seed: smallString,
        weights: fc.uniqueArray(
          fc.record({ variant: variantName, weight: fc.integer({ min: 0, max: 100_000 }) }),
          { minLength: 1, maxLength: 3, selector: (w) => w.variant },
        ),
      },
      { requiredKeys: ['weights'] },
    ),
  }),
);

const flagDocument = fc.constantFrom<FlagType>('boolean', 'string', 'number', 'object').chain((type) =>
  fc.record({
    key: fc.constant('subject'),
    type: fc.constant(type),
    variants: fc.record({
      v0: variantValue(type),
      v1: variantValue(type),
      v2: fc.oneof(
        { arbitrary: variantValue(type), weight: 30 },
        { arbitrary: fc.constant(null), weight: 1 },
      ),
    }),
    environments: fc.record({
      production: fc.record({
        enabled: fc.boolean(),
        offVariant: variantName,
        prerequisites: fc.subarray([
          { flag: 'pre.a', variants: ['on'] },
          { flag: 'pre.b', variants: ['x'] },
        ]),
        targets: fc.array(
          fc.record({
            variant: variantName,
            values: fc.array(fc.constantFrom('u1', 'u2', 'u3'), { minLength: 1 }),
          }),
          { maxLength: 1 },
        ),
        rules: fc.array(fc.record({ clauses: fc.array(clause, { minLength: 1, maxLength: 3 }), serve }), {
          maxLength: 3,
        }),
        fallthrough: serve,
      }),
    }),
  }),
);

/** A context value of any JSON kind, with the kinds clauses compare (dates, versions, long text) well represented. */
const attributeValue: fc.Arbitrary<JsonValue> = fc.oneof(
  smallString,
  number,
  fc.boolean(),
  fc.constant(null),
  dateText,
  epochMillis,
  versionText,
  fc.constantFrom('u1', 'u2', 'a'.repeat(2000), 'admin@acme.com'),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(smallString, fc.integer(), { maxKeys: 2 }),
);

const context: fc.Arbitrary<EvaluationContext> = fc.dictionary(
  fc.constantFrom(...ATTRIBUTES, 'constructor', '__proto__'),
  attributeValue,
  { maxKeys: 5 },
);

function hasType(value: JsonValue, type: FlagType): boolean {
  if (type === 'object') return typeof value === 'object' && value !== null;
  return typeof value === type;
}

// ---------------------------------------------------------------------------------------------------

describe('validation and the evaluator agree', () => {
  it('a definition that passes validation evaluates for every context: a value of its type, or the default with an error code other than PARSE_ERROR and GENERAL', () => {
    let definitions = 0;
    let passed = 0;
    let evaluations = 0;
    fc.assert(
      fc.property(flagDocument, fc.array(context, { minLength: 30, maxLength: 40 }), (doc, contexts) => {
        definitions++;
        const validated = validateFlag(doc, store);
        if (!validated.ok) return;
        passed++;
        const flag = validated.value;
        for (const ctx of contexts) {
          evaluations++;
          const defaultValue = 'caller-default' as unknown as JsonValue;
          let result: ReturnType<typeof evaluate<JsonValue>>;
          try {
            result = evaluate(flag, 'production', ctx, {
              defaultValue,
              expectedType: flag.type,
              flags: FLAGS,
              segments: SEGMENTS,
            });
          } catch (error) {
            throw new Error(`evaluate threw for ${JSON.stringify(ctx)}: ${String(error)}`);
          }
          if (result.errorCode === undefined) {
            expect(result.variant).toBeDefined();
            expect(hasType(result.value, flag.type)).toBe(true);
            expect(result.value).toEqual(flag.variants[result.variant as string]);
          } else {
            expect({ context: ctx, result }).toMatchObject({
              result: { value: defaultValue, reason: 'ERROR' },
            });
            expect(['PARSE_ERROR', 'GENERAL']).not.toContain(result.errorCode);
          }
        }
      }),
      { numRuns: 300 },
    );
    // The generator is biased towards valid definitions; a change that made it (or validation) refuse
    // nearly everything would make this test vacuous.
    expect(passed).toBeGreaterThan(definitions * 0.2);
    expect(evaluations).toBeGreaterThan(2000);
  });

  describe.each(OPERATORS.filter((op) => op !== 'exists'))('%s', (op) => {
    it('a value validation accepts is one the evaluator reads, and one the evaluator reads is accepted (bar limits and unknown segments)', () => {
      let accepted = 0;
      fc.assert(
        fc.property(
          fc.array(valueFor(op), { minLength: 1, maxLength: 3 }),
          fc.array(attributeValue, { minLength: 3, maxLength: 6 }),
          (values, attributes) => {
            const doc = {
              key: 'subject',
              type: 'boolean',
              variants: { on: true, off: false },
              environments: {
                production: {
                  enabled: true,
                  offVariant: 'off',
                  rules: [
                    {
                      clauses: [op === 'segmentMatch' ? { op, values } : { attribute: 'a', op, values }],
                      serve: { variant: 'on' },
                    },
                  ],
                  fallthrough: { variant: 'off' },
                },
              },
            };
            const validated = validateFlag(doc, store);
            const problem = clauseValuesProblem(op, values);
            if (validated.ok) {
              accepted++;
              expect({ values, problem }).toEqual({ values, problem: undefined });
              for (const a of attributes) {
                const result = evaluate(
                  validated.value,
                  'production',
                  { a, targetingKey: 'u1' },
                  {
                    defaultValue: false,
                    expectedType: 'boolean',
                    segments: SEGMENTS,
                  },
                );
                expect({ values, a, errorCode: result.errorCode }).toEqual({
                  values,
                  a,
                  errorCode: undefined,
                });
                expect(['TARGETING_MATCH', 'DEFAULT']).toContain(result.reason);
              }
            } else if (problem === undefined) {
              // The evaluator reads these values: validation may refuse them only for its own limits.
              for (const issue of validated.issues)
                expect({ values, issue }).toMatchObject({
                  issue: { code: expect.stringMatching(/^(TOO_LONG|UNKNOWN_SEGMENT)$/) },
                });
            }
          },
        ),
        { numRuns: 400 },
      );
      expect(accepted).toBeGreaterThan(10);
    });
  });
});
