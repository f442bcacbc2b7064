import { describe, it } from '@jest/globals';
import { expectRefusal, REMOVE } from './support.js';

describe('validateFlag: clauses, prerequisites, environments, text', () => {
  // [what is wrong, path to change, new value, expected issue path, expected code]
  const refusals: Array<[string, string, unknown, string, string]> = [
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

  it.each(refusals)('refuses %s (set at %s) with exactly one issue at its path', expectRefusal);
});

function nest(depth: number): unknown {
  let value: unknown = 'v1';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}
