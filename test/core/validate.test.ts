import { validateFlag } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import { example, exampleContext, ISSUE_EXAMPLE, REMOVE, setAt } from './support.js';

const BIG = 'x'.repeat(70 * 1024);

describe('validateFlag', () => {
  it("accepts issue 10's example document as written, with defaults filled in", () => {
    const result = validateFlag(JSON.parse(ISSUE_EXAMPLE), exampleContext());
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ key: 'checkout.new-flow', tags: [], description: 'New checkout' }),
    });
    if (!result.ok) return;
    const production = result.value.environments.production;
    expect(production?.rules[0]?.clauses[1]).toEqual({
      attribute: 'country',
      op: 'in',
      values: ['FR'],
      negate: true,
    });
    expect(production?.rules[1]?.clauses[0]).toEqual({
      op: 'segmentMatch',
      values: ['beta-testers'],
      negate: false,
    });
    expect(production?.rules[0]?.clauses[0]?.negate).toBe(false);
  });

  it('shares no object with its input', () => {
    const input = example();
    const result = validateFlag(input, exampleContext());
    if (!result.ok) throw new Error('refused');
    expect(result.value.variants).not.toBe(input.variants);
    expect(result.value.environments).not.toBe(input.environments);
  });

  // [what is wrong, path to change, new value, expected issue path, expected code]
  const refusals: Array<[string, string, unknown, string, string]> = [
    // shape
    [
      'an unknown field',
      'environments.production.rules[0].weight',
      3,
      'environments.production.rules[0].weight',
      'UNKNOWN_FIELD',
    ],
    ['an unknown top-level field', 'owner', 'me', 'owner', 'UNKNOWN_FIELD'],
    [
      'a missing required field',
      'environments.production.offVariant',
      REMOVE,
      'environments.production.offVariant',
      'REQUIRED',
    ],
    [
      'a wrong type',
      'environments.production.enabled',
      'yes',
      'environments.production.enabled',
      'INVALID_TYPE',
    ],
    ['an unknown type', 'type', 'json', 'type', 'INVALID_VALUE'],
    [
      'an unknown operator',
      'environments.production.rules[0].clauses[0].op',
      'like',
      'environments.production.rules[0].clauses[0].op',
      'INVALID_VALUE',
    ],
    [
      'a clause value of neither string nor number',
      'environments.production.rules[0].clauses[0].values[1]',
      true,
      'environments.production.rules[0].clauses[0].values[1]',
      'INVALID_TYPE',
    ],
    ['a bad key', 'key', 'checkout new', 'key', 'INVALID_KEY'],
    ['a too long key', 'key', 'k'.repeat(129), 'key', 'TOO_LONG'],
    [
      'a bad environment key',
      'environments["pro duction"]',
      { enabled: false, offVariant: 'off', fallthrough: { variant: 'off' } },
      'environments["pro duction"]',
      'INVALID_KEY',
    ],
    ['an empty variant name', 'variants[""]', 'v9', 'variants[""]', 'INVALID_KEY'],
    [
      'a serve with neither variant nor rollout',
      'environments.production.rules[0].serve',
      {},
      'environments.production.rules[0].serve',
      'INVALID_SERVE',
    ],
    [
      'a serve with both variant and rollout',
      'environments.production.rules[0].serve.rollout',
      { weights: [{ variant: 'off', weight: 1 }] },
      'environments.production.rules[0].serve',
      'INVALID_SERVE',
    ],
    [
      'a serve whose variant is not a string',
      'environments.production.fallthrough',
      { variant: 1 },
      'environments.production.fallthrough.variant',
      'INVALID_TYPE',
    ],
    [
      'a rollout with no weights',
      'environments.production.fallthrough.rollout.weights',
      [],
      'environments.production.fallthrough.rollout.weights',
      'TOO_FEW',
    ],
    [
      'a weight given as a string',
      'environments.production.fallthrough.rollout.weights[0].weight',
      '10',
      'environments.production.fallthrough.rollout.weights[0].weight',
      'INVALID_TYPE',
    ],
    [
      'a target with no values',
      'environments.production.targets[0].values',
      [],
      'environments.production.targets[0].values',
      'TOO_FEW',
    ],
    [
      'a rule with no clauses',
      'environments.production.rules[0].clauses',
      [],
      'environments.production.rules[0].clauses',
      'TOO_FEW',
    ],
    // variants named anywhere
    [
      'an unknown offVariant',
      'environments.production.offVariant',
      'of',
      'environments.production.offVariant',
      'UNKNOWN_VARIANT',
    ],
    [
      'an unknown target variant',
      'environments.production.targets[0].variant',
      'treatmnt',
      'environments.production.targets[0].variant',
      'UNKNOWN_VARIANT',
    ],
    [
      "an unknown rule's variant",
      'environments.production.rules[0].serve.variant',
      'blue',
      'environments.production.rules[0].serve.variant',
      'UNKNOWN_VARIANT',
    ],
    [
      'an unknown rollout variant',
      'environments.production.rules[1].serve.rollout.weights[1].variant',
      'contrl',
      'environments.production.rules[1].serve.rollout.weights[1].variant',
      'UNKNOWN_VARIANT',
    ],
    [
      'an unknown fallthrough variant',
      'environments.production.fallthrough',
      { variant: 'toString' },
      'environments.production.fallthrough.variant',
      'UNKNOWN_VARIANT',
    ],
    [
      'a prerequisite variant the prerequisite flag lacks',
      'environments.production.prerequisites[0].variants[0]',
      'treatment',
      'environments.production.prerequisites[0].variants[0]',
      'UNKNOWN_VARIANT',
    ],
    [
      'a variant twice in one rollout',
      'environments.production.fallthrough.rollout.weights[1].variant',
      'treatment',
      'environments.production.fallthrough.rollout.weights[1].variant',
      'DUPLICATE',
    ],
    [
      'a targeting key in two targets',
      'environments.production.targets[1]',
      { variant: 'control', values: ['user-9', 'user-42'] },
      'environments.production.targets[1].values[1]',
      'DUPLICATE',
    ],
    // variant values
    ['a variant of the wrong type', 'variants.control', 1, 'variants.control', 'TYPE_MISMATCH'],
    ['no variant at all', 'variants', {}, 'variants', 'TOO_FEW'],
    [
      'a variant with a control character in its name',
      'variants["a\\u0007b"]',
      'v3',
      'variants["a\\u0007b"]',
      'FORBIDDEN_TEXT',
    ],
    ['a variant value over 64 KiB', 'variants.control', BIG, 'variants.control', 'TOO_LARGE'],
    // weights
    [
      'a fractional weight',
      'environments.production.fallthrough.rollout.weights[0].weight',
      10.5,
      'environments.production.fallthrough.rollout.weights[0].weight',
      'INVALID_WEIGHT',
    ],
    [
      'a negative weight',
      'environments.production.fallthrough.rollout.weights[0].weight',
      -10,
      'environments.production.fallthrough.rollout.weights[0].weight',
      'INVALID_WEIGHT',
    ],
    [
      'weights totalling 0',
      'environments.production.fallthrough.rollout.weights',
      [
        { variant: 'treatment', weight: 0 },
        { variant: 'control', weight: 0 },
      ],
      'environments.production.fallthrough.rollout.weights',
      'INVALID_WEIGHT_TOTAL',
    ],
    [
      'weights totalling over 100,000',
      'environments.production.fallthrough.rollout.weights',
      [
        { variant: 'treatment', weight: 60_000 },
        { variant: 'control', weight: 40_001 },
      ],
      'environments.production.fallthrough.rollout.weights',
      'INVALID_WEIGHT_TOTAL',
    ],
    // clauses
    [
      'a clause without attribute',
      'environments.production.rules[0].clauses[0].attribute',
      REMOVE,
      'environments.production.rules[0].clauses[0].attribute',
      'REQUIRED',
    ],
    [
      'a segmentMatch with an attribute',
      'environments.production.rules[1].clauses[0].attribute',
      'plan',
      'environments.production.rules[1].clauses[0].attribute',
      'NOT_ALLOWED',
    ],
    [
      'a clause without values',
      'environments.production.rules[0].clauses[0].values',
      [],
      'environments.production.rules[0].clauses[0].values',
      'TOO_FEW',
    ],
    [
      'an unknown segment',
      'environments.production.rules[1].clauses[0].values[0]',
      'beta-tester',
      'environments.production.rules[1].clauses[0].values[0]',
      'UNKNOWN_SEGMENT',
    ],
    [
      'a string for gt',
      'environments.production.rules[0].clauses[0]',
      { attribute: 'age', op: 'gt', values: [18, '21'] },
      'environments.production.rules[0].clauses[0].values[1]',
      'INVALID_TYPE',
    ],
    [
      'a number for startsWith',
      'environments.production.rules[0].clauses[0]',
      { attribute: 'email', op: 'startsWith', values: ['a', 7] },
      'environments.production.rules[0].clauses[0].values[1]',
      'INVALID_TYPE',
    ],
    [
      'a non-date for before',
      'environments.production.rules[0].clauses[0]',
      { attribute: 'signup', op: 'before', values: ['2026-01-01', 'yesterday'] },
      'environments.production.rules[0].clauses[0].values[1]',
      'INVALID_DATE',
    ],
    [
      'a date not on the calendar',
      'environments.production.rules[0].clauses[0]',
      { attribute: 'signup', op: 'after', values: ['2026-02-30'] },
      'environments.production.rules[0].clauses[0].values[0]',
      'INVALID_DATE',
    ],
    [
      'a date-time without a zone',
      'environments.production.rules[0].clauses[0]',
      { attribute: 'signup', op: 'after', values: [1767225600000, '2026-01-01T10:00:00'] },
      'environments.production.rules[0].clauses[0].values[1]',
      'INVALID_DATE',
    ],
    [
      'an invalid semver',
      'environments.production.rules[0].clauses[0]',
      { attribute: 'appVersion', op: 'semverGt', values: ['1.2'] },
      'environments.production.rules[0].clauses[0].values[0]',
      'INVALID_SEMVER',
    ],
    [
      'a regex RE2 cannot compile',
      'environments.production.rules[0].clauses[0]',
      { attribute: 'email', op: 'matches', values: ['@acme\\.com$', '^(a+)\\1$'] },
      'environments.production.rules[0].clauses[0].values[1]',
      'INVALID_REGEX',
    ],
    [
      'a regex with an unclosed group',
      'environments.production.rules[0].clauses[0]',
      { attribute: 'email', op: 'matches', values: ['(a'] },
      'environments.production.rules[0].clauses[0].values[0]',
      'INVALID_REGEX',
    ],
    // prerequisites, environments
    [
      'an unknown prerequisite flag',
      'environments.production.prerequisites[0].flag',
      'checkout.enabld',
      'environments.production.prerequisites[0].flag',
      'UNKNOWN_FLAG',
    ],
    [
      'a flag that is its own prerequisite',
      'environments.production.prerequisites[0].flag',
      'checkout.new-flow',
      'environments.production.prerequisites[0].flag',
      'PREREQUISITE_CYCLE',
    ],
    [
      'an unknown environment',
      'environments.qa',
      { enabled: false, offVariant: 'off', fallthrough: { variant: 'off' } },
      'environments.qa',
      'UNKNOWN_ENVIRONMENT',
    ],
    // text and limits
    ['a description over 1000 characters', 'description', 'd'.repeat(1001), 'description', 'TOO_LONG'],
    [
      'a description with a control character',
      'description',
      'New\u0000checkout',
      'description',
      'FORBIDDEN_TEXT',
    ],
    [
      'a description with a lone surrogate',
      'description',
      'New \ud800 checkout',
      'description',
      'FORBIDDEN_TEXT',
    ],
    ['an empty tag', 'tags', ['checkout', ''], 'tags[1]', 'TOO_SHORT'],
    ['a tag over 64 characters', 'tags', ['t'.repeat(65)], 'tags[0]', 'TOO_LONG'],
    [
      'a rule id with a control character',
      'environments.production.rules[1].id',
      'beta\n\u001b',
      'environments.production.rules[1].id',
      'FORBIDDEN_TEXT',
    ],
    [
      'a rule id used twice',
      'environments.production.rules',
      [
        { id: 'a', clauses: [{ op: 'exists', attribute: 'x' }], serve: { variant: 'off' } },
        { id: 'a', clauses: [{ op: 'exists', attribute: 'y' }], serve: { variant: 'off' } },
      ],
      'environments.production.rules[1].id',
      'DUPLICATE',
    ],
    [
      'a variant value nested too deeply',
      'variants.control',
      nest(40),
      'variants.control[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]',
      'TOO_DEEP',
    ],
    [
      'a "__proto__" key',
      'environments.production.__proto__',
      1,
      'environments.production.__proto__',
      'FORBIDDEN_NAME',
    ],
  ];

  it.each(refusals)('refuses %s, naming %p', (_what, path, value, expectedPath, code) => {
    const doc = example();
    if (path.endsWith('__proto__')) {
      Object.defineProperty((doc.environments as Record<string, object>).production, '__proto__', {
        value,
        enumerable: true,
      });
    } else setAt(doc, path, value);
    const result = validateFlag(doc, exampleContext());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => [issue.path, issue.code])).toEqual([[expectedPath, code]]);
    expect(result.issues[0]?.message).toMatch(/\S/);
  });
});

function nest(depth: number): unknown {
  let value: unknown = 'v1';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}
