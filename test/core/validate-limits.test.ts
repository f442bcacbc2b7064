import {
  MAX_CLAUSE_VALUES,
  MAX_CLAUSES,
  MAX_DOCUMENT_BYTES,
  MAX_ENVIRONMENTS,
  MAX_ISSUES,
  MAX_PREREQUISITES,
  MAX_REGEX_LENGTH,
  MAX_REGEX_PROGRAM_SIZE,
  MAX_REGEX_TOTAL_LENGTH,
  MAX_RULES,
  MAX_STRING_LENGTH,
  MAX_TAGS,
  MAX_TARGET_VALUES,
  MAX_VARIANTS,
  validateFlag,
} from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import { example, exampleContext, setAt, storeContext } from './support.js';

const PROD = 'environments.production';
const rule = (i: number) => ({
  clauses: [{ attribute: 'n', op: 'in', values: [i] }],
  serve: { variant: 'off' },
});
const clause = { attribute: 'plan', op: 'in', values: ['pro'] };
const ids = (n: number, prefix = 'u') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const variants = (n: number) => ({
  control: 'v1',
  treatment: 'v2',
  off: 'v0',
  ...Object.fromEntries(ids(n - 3, 'v').map((v) => [v, v])),
});
const envs = (n: number) =>
  Object.fromEntries(
    ids(n, 'e').map((e) => [e, { enabled: false, offVariant: 'off', fallthrough: { variant: 'off' } }]),
  );

// [limit, path to change, value at the limit, value over it, expected issue path]
const limits: Array<[string, string, unknown, unknown, string]> = [
  [
    `${MAX_RULES} rules`,
    `${PROD}.rules`,
    ids(MAX_RULES).map((_, i) => rule(i)),
    ids(MAX_RULES + 1).map((_, i) => rule(i)),
    `${PROD}.rules`,
  ],
  [
    `${MAX_CLAUSES} clauses`,
    `${PROD}.rules[0].clauses`,
    Array(MAX_CLAUSES).fill(clause),
    Array(MAX_CLAUSES + 1).fill(clause),
    `${PROD}.rules[0].clauses`,
  ],
  [
    `${MAX_CLAUSE_VALUES} values in a clause`,
    `${PROD}.rules[0].clauses[0].values`,
    ids(MAX_CLAUSE_VALUES),
    ids(MAX_CLAUSE_VALUES + 1),
    `${PROD}.rules[0].clauses[0].values`,
  ],
  [
    `${MAX_TARGET_VALUES} targeting keys`,
    `${PROD}.targets`,
    [{ variant: 'off', values: ids(MAX_TARGET_VALUES) }],
    [
      { variant: 'off', values: ids(MAX_TARGET_VALUES - 1) },
      { variant: 'control', values: ['x', 'y'] },
    ],
    `${PROD}.targets`,
  ],
  [`${MAX_VARIANTS} variants`, 'variants', variants(MAX_VARIANTS), variants(MAX_VARIANTS + 1), 'variants'],
  [`${MAX_TAGS} tags`, 'tags', ids(MAX_TAGS, 't'), ids(MAX_TAGS + 1, 't'), 'tags'],
  [
    `${MAX_PREREQUISITES} prerequisites`,
    `${PROD}.prerequisites`,
    Array(MAX_PREREQUISITES).fill({ flag: 'checkout.enabled', variants: ['on'] }),
    Array(MAX_PREREQUISITES + 1).fill({ flag: 'checkout.enabled', variants: ['on'] }),
    `${PROD}.prerequisites`,
  ],
  [
    `${MAX_STRING_LENGTH} characters in a clause value`,
    `${PROD}.rules[0].clauses[0].values[0]`,
    'p'.repeat(MAX_STRING_LENGTH),
    'p'.repeat(MAX_STRING_LENGTH + 1),
    `${PROD}.rules[0].clauses[0].values[0]`,
  ],
  [
    `${MAX_REGEX_LENGTH} characters in a regex`,
    `${PROD}.rules[0].clauses[0]`,
    { attribute: 'e', op: 'matches', values: ['a'.repeat(MAX_REGEX_LENGTH)] },
    { attribute: 'e', op: 'matches', values: ['a'.repeat(MAX_REGEX_LENGTH + 1)] },
    `${PROD}.rules[0].clauses[0].values[0]`,
  ],
  [
    `${MAX_ENVIRONMENTS} environments`,
    'environments',
    envs(MAX_ENVIRONMENTS),
    envs(MAX_ENVIRONMENTS + 1),
    'environments',
  ],
];

describe('validateFlag: limits', () => {
  // Any environment key is accepted when the store does not say which exist.
  const ctx = storeContext({ flags: exampleContext().flagsList(), segments: ['beta-testers'] });

  it.each(limits)('accepts %s and refuses one more', (_limit, path, atLimit, overLimit, issuePath) => {
    const accepted = example();
    setAt(accepted, path, atLimit);
    expect(validateFlag(accepted, ctx)).toMatchObject({ ok: true });
    const refused = example();
    setAt(refused, path, overLimit);
    const result = validateFlag(refused, ctx);
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual([issuePath]);
  });

  it(`refuses a pattern that compiles to more than ${MAX_REGEX_PROGRAM_SIZE} RE2 instructions`, () => {
    const doc = example();
    setAt(doc, `${PROD}.rules[0].clauses[0]`, { attribute: 'e', op: 'matches', values: ['^[a-z]{1,1000}$'] });
    const result = validateFlag(doc, ctx);
    expect(result.ok ? [] : result.issues.map(({ path, code }) => [path, code])).toEqual([
      [`${PROD}.rules[0].clauses[0].values[0]`, 'INVALID_REGEX'],
    ]);
    expect(result.ok ? '' : result.issues[0]?.message).toMatch(/compiles to 2\d{3} instructions/);
  });

  it(`refuses patterns over ${MAX_REGEX_TOTAL_LENGTH} characters in one document, naming the first one over`, () => {
    const doc = example();
    const pattern = `^${'a'.repeat(998)}$`;
    const count = MAX_REGEX_TOTAL_LENGTH / pattern.length;
    setAt(doc, `${PROD}.rules[0].clauses[0]`, {
      attribute: 'e',
      op: 'matches',
      values: Array(count).fill(pattern),
    });
    expect(validateFlag(doc, ctx)).toMatchObject({ ok: true });
    setAt(doc, `${PROD}.rules[1].clauses[0]`, { attribute: 'e', op: 'matches', values: ['x'] });
    const result = validateFlag(doc, ctx);
    expect(result.ok ? [] : result.issues.map(({ path, code }) => [path, code])).toEqual([
      [`${PROD}.rules[1].clauses[0].values[0]`, 'TOO_LONG'],
    ]);
  });

  it(`refuses a document over ${MAX_DOCUMENT_BYTES} bytes before looking at its schema`, () => {
    const doc = example();
    setAt(doc, 'description', 'd'.repeat(MAX_DOCUMENT_BYTES));
    setAt(doc, 'type', 'not a type');
    expect(validateFlag(doc, ctx)).toEqual({
      ok: false,
      issues: [expect.objectContaining({ path: '', code: 'TOO_LARGE' })],
    });
  });

  it(`lists at most ${MAX_ISSUES} issues`, () => {
    const doc = example();
    setAt(
      doc,
      `${PROD}.targets`,
      ids(500).map((v) => ({ variant: 'nope', values: [v] })),
    );
    const result = validateFlag(doc, ctx);
    expect(result.ok ? 0 : result.issues.length).toBe(MAX_ISSUES);
  });
});
