import { validateFlag } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import { example, exampleContext, expectRefusal, ISSUE_EXAMPLE, REMOVE } from './support.js';

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
  ];

  it.each(refusals)('refuses %s (set at %s) with exactly one issue at its path', expectRefusal);
});
