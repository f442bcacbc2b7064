import { MAX_SEGMENT_VALUES, validateSegment } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';

const beta = {
  key: 'beta-testers',
  included: ['user-1', 'user-2'],
  excluded: ['user-3'],
  rules: [
    { clauses: [{ attribute: 'email', op: 'endsWith', values: ['@acme.com'] }] },
    {
      clauses: [
        { attribute: 'plan', op: 'in', values: ['pro'] },
        { attribute: 'age', op: 'gte', values: [18] },
      ],
    },
  ],
};

describe('validateSegment', () => {
  it('accepts a segment and fills in its defaults', () => {
    expect(validateSegment({ key: 'empty' })).toEqual({
      ok: true,
      value: { key: 'empty', description: '', included: [], excluded: [], rules: [] },
    });
    const result = validateSegment(beta);
    expect(result).toMatchObject({
      ok: true,
      value: { key: 'beta-testers', included: ['user-1', 'user-2'] },
    });
    expect(result.ok && result.value.rules[0]?.clauses[0]?.negate).toBe(false);
  });

  const refusals: Array<[string, unknown, string, string]> = [
    ['an unknown field', { ...beta, variants: {} }, 'variants', 'UNKNOWN_FIELD'],
    ['a bad key', { ...beta, key: '-beta' }, 'key', 'INVALID_KEY'],
    ['a non-string included key', { ...beta, included: ['a', 7] }, 'included[1]', 'INVALID_TYPE'],
    [
      'a segmentMatch inside a segment',
      { ...beta, rules: [{ clauses: [{ op: 'segmentMatch', values: ['other'] }] }] },
      'rules[0].clauses[0].op',
      'NOT_ALLOWED',
    ],
    [
      'a clause value of the wrong type',
      { ...beta, rules: [{ clauses: [{ attribute: 'age', op: 'lt', values: ['18'] }] }] },
      'rules[0].clauses[0].values[0]',
      'INVALID_TYPE',
    ],
    [
      'a bad regex',
      { ...beta, rules: [{ clauses: [{ attribute: 'e', op: 'matches', values: ['[a-'] }] }] },
      'rules[0].clauses[0].values[0]',
      'INVALID_REGEX',
    ],
    ['a rule without clauses', { ...beta, rules: [{ clauses: [] }] }, 'rules[0].clauses', 'TOO_FEW'],
    [
      'a description with a control character',
      { ...beta, description: 'beta\u0085' },
      'description',
      'FORBIDDEN_TEXT',
    ],
    [
      `over ${MAX_SEGMENT_VALUES} listed keys`,
      { ...beta, included: Array.from({ length: MAX_SEGMENT_VALUES }, (_, i) => `k${i}`) },
      '',
      'TOO_MANY',
    ],
  ];

  it.each(refusals)('refuses %s with exactly one issue at its path', (_what, input, path, code) => {
    const result = validateSegment(input);
    expect(result.ok ? [] : result.issues.map((issue) => [issue.path, issue.code])).toEqual([[path, code]]);
  });
});
