import { type Operator, validateFlag } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import { example, exampleContext, setAt } from './support.js';

/** Values each operator accepts: a refusal of any of these would turn away a correct definition. */
const accepted: Array<[Operator, Array<string | number>]> = [
  ['in', ['pro', 42]],
  ['notIn', ['free', 0]],
  ['startsWith', ['+33']],
  ['endsWith', ['@acme.com']],
  ['contains', ['beta']],
  ['matches', ['^[a-z]+@acme\\.com$', '\\p{Greek}+', '(?i)ADMIN']],
  ['lt', [10]],
  ['lte', [-1.5]],
  ['gt', [0]],
  ['gte', [1e6]],
  [
    'before',
    [
      '2026-03-01',
      '2026-03-01T09:30:00Z',
      '2026-03-01T10:30+01:00',
      '2026-03-01T09:30:00.123456Z',
      1767225600000,
    ],
  ],
  ['after', ['2024-02-29', 0]],
  ['semverEq', ['1.4.0', '2.0.0-beta.1+build.5']],
  ['semverLt', ['v1.2.3']],
  ['semverGt', ['0.0.1']],
  ['exists', []],
  ['exists', ['ignored']],
];

describe('validateFlag: clause values each operator accepts', () => {
  it.each(accepted)('accepts %s with %p', (op, values) => {
    const doc = example();
    setAt(doc, 'environments.production.rules[0].clauses[0]', { attribute: 'a', op, values });
    expect(validateFlag(doc, exampleContext())).toMatchObject({ ok: true });
  });

  it('accepts a negated exists with no values', () => {
    const doc = example();
    setAt(doc, 'environments.production.rules[0].clauses[0]', {
      attribute: 'email',
      op: 'exists',
      negate: true,
    });
    expect(validateFlag(doc, exampleContext())).toMatchObject({ ok: true });
  });
});
