import {
  BoundedCache,
  type Clause,
  type ClauseScope,
  clauseMatches,
  clauseValuesProblem,
  DefinitionError,
  type EvaluationContext,
  inSegment,
  type JsonValue,
  MAX_MATCH_INPUT_LENGTH,
  MAX_REGEX_LENGTH,
  OPERATORS,
  type Operator,
  PatternError,
  REGEX_CACHE_SIZE,
  regexFor,
  Segment,
} from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

const noSegments = (): ClauseScope => ({ segments: undefined, segmentPath: [] });

function matches(
  op: Operator,
  attribute: JsonValue | undefined,
  values: (string | number)[],
  negate = false,
): boolean {
  const clause: Clause = { attribute: 'a', op, values, negate };
  const context: EvaluationContext = attribute === undefined ? {} : { a: attribute };
  return clauseMatches(clause, context, noSegments());
}

/**
 * For every value operator: [op, values, an attribute that matches, one that does not, one of the wrong type].
 * Each row is also run with the attribute missing (no match) and with `negate` (every result inverted).
 */
const TABLE: [Operator, (string | number)[], JsonValue, JsonValue, JsonValue][] = [
  ['in', ['pro', 'team'], 'team', 'free', { plan: 'pro' }],
  ['notIn', ['FR', 'DE'], 'US', 'FR', ['US']],
  ['startsWith', ['admin-', 'root-'], 'root-7', 'user-admin-', 42],
  ['endsWith', ['@acme.com'], 'ann@acme.com', 'ann@acme.com.evil', true],
  ['contains', ['beta'], 'ios-beta-3', 'ios-BETA-3', 7],
  ['matches', ['^user-[0-9]+$', '@acme\\.'], 'user-12', 'user-12a', 12],
  ['lt', [10], 9.5, 10, '9'],
  ['lte', [10], 10, 10.01, '10'],
  ['gt', [18], 18.5, 18, '21'],
  ['gte', [18], 18, 17.99, true],
  ['before', ['2026-01-01'], '2025-12-31T23:59:59Z', '2026-01-01T00:00:00Z', '2025-12-31 23:59'],
  ['after', ['2026-01-01T00:00:00+02:00'], 1_767_218_400_001, '2025-12-31T22:00:00Z', '2026-02-01T00:00:00'],
  ['semverEq', ['1.2.3'], 'v1.2.3+build.7', '1.2.4', 1.2],
  ['semverLt', ['2.0.0'], '2.0.0-rc.1', '2.0.0', '2.0'],
  ['semverGt', ['1.9.0'], '1.10.0', '1.9.0', { major: 2 }],
];

describe('clause operators', () => {
  it('covers every operator in OPERATORS', () => {
    const tested = new Set<string>([...TABLE.map(([op]) => op), 'exists', 'segmentMatch']);
    expect([...OPERATORS].sort()).toEqual([...tested].sort());
  });

  describe.each(TABLE)('%s %j', (op, values, hit, miss, wrongType) => {
    it(`matches ${JSON.stringify(hit)}`, () => expect(matches(op, hit, values)).toBe(true));
    it(`does not match ${JSON.stringify(miss)}`, () => expect(matches(op, miss, values)).toBe(false));
    it(`does not match (and does not throw on) the wrong-typed ${JSON.stringify(wrongType)}`, () =>
      expect(matches(op, wrongType, values)).toBe(false));
    it('does not match a missing or null attribute', () => {
      expect(matches(op, undefined, values)).toBe(false);
      expect(matches(op, null, values)).toBe(false);
    });
    it('negated, inverts each of those (a missing attribute then matches)', () => {
      expect(matches(op, hit, values, true)).toBe(false);
      expect(matches(op, miss, values, true)).toBe(true);
      expect(matches(op, wrongType, values, true)).toBe(true);
      expect(matches(op, undefined, values, true)).toBe(true);
    });
  });

  describe('in / notIn', () => {
    it('compares numbers and strings by their text: 3 matches "3" and 3, "3" matches 3; 3 does not match "3.0"', () => {
      expect(matches('in', 3, ['3'])).toBe(true);
      expect(matches('in', 3, [3])).toBe(true);
      expect(matches('in', '3', [3])).toBe(true);
      expect(matches('in', 3, ['3.0'])).toBe(false);
      expect(matches('in', 1.5, ['1.5'])).toBe(true);
      expect(matches('in', true, ['true'])).toBe(true);
      expect(matches('notIn', 3, ['3'])).toBe(false);
    });

    it('any one value matching is enough for in; notIn needs none to match', () => {
      expect(matches('in', 'b', ['a', 'b', 'c'])).toBe(true);
      expect(matches('notIn', 'b', ['a', 'b', 'c'])).toBe(false);
      expect(matches('notIn', 'd', ['a', 'b', 'c'])).toBe(true);
      expect(matches('in', 'x', [])).toBe(false);
    });

    it('is case-sensitive and exact', () => {
      expect(matches('in', 'Pro', ['pro'])).toBe(false);
      expect(matches('in', 'pro ', ['pro'])).toBe(false);
    });
  });

  describe('strings', () => {
    it('take string values only: a number value is a corrupt definition (validation refuses it too)', () => {
      expect(() => matches('startsWith', '42-a', [42])).toThrow(DefinitionError);
      expect(clauseValuesProblem('contains', ['x', 1.5])).toMatch(
        /values\[1\] 1\.5 must be a string for 'contains'/,
      );
    });
  });

  describe('matches', () => {
    it('is unanchored unless the pattern anchors it', () => {
      expect(matches('matches', 'say hello there', ['hel+o'])).toBe(true);
      expect(matches('matches', 'say hello there', ['^hel+o$'])).toBe(false);
    });

    it('runs a pattern that backtracks catastrophically in RegExp in linear time', () => {
      const input = `${'a'.repeat(50_000)}!`;
      const started = performance.now();
      expect(matches('matches', input, ['^(a+)+$'])).toBe(false);
      // A backtracking engine needs ~2^50000 steps here; RE2 is linear (a few ms).
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('reads at most MAX_MATCH_INPUT_LENGTH characters: a longer attribute does not match (negated: matches)', () => {
      const longest = `x${'a'.repeat(MAX_MATCH_INPUT_LENGTH - 1)}`;
      expect(matches('matches', longest, ['^x'])).toBe(true);
      expect(matches('matches', `${longest}a`, ['^x'])).toBe(false);
      expect(matches('matches', `${longest}a`, ['^x'], true)).toBe(true);
    });

    it('refuses a pattern over the regex limits, as validation does (one compile for both)', () => {
      expect(clauseValuesProblem('matches', ['a'.repeat(MAX_REGEX_LENGTH + 1)])).toMatch(
        /more than the 1000/,
      );
      expect(clauseValuesProblem('matches', ['.{1000}.{1000}'])).toMatch(/instructions/);
      expect(() => matches('matches', 'a', ['.{1000}.{1000}'])).toThrow(DefinitionError);
    });

    it('compiles each pattern once and keeps at most REGEX_CACHE_SIZE patterns', () => {
      expect(regexFor('^cached$')).toBe(regexFor('^cached$'));
      for (let i = 0; i < REGEX_CACHE_SIZE + 10; i++) regexFor(`^p${i}$`);
      expect(regexFor('^cached$')).not.toBe(undefined);
      const first = regexFor('^p0$');
      expect(regexFor('^p0$')).toBe(first);
    });

    it('refuses what RE2 cannot compile (backreferences, lookaround, unbalanced) as a corrupt definition', () => {
      for (const pattern of ['(a)\\1', '(?=a)', '(unclosed', '[z-a]']) {
        expect(regexFor(pattern)).toBeInstanceOf(PatternError);
        expect(() => matches('matches', 'a', [pattern])).toThrow(DefinitionError);
        expect(clauseValuesProblem('matches', [pattern])).toMatch(/regular expression/);
      }
    });
  });

  describe('numbers', () => {
    it('need a number attribute: a numeric string does not match', () => {
      expect(matches('gt', '21', [18])).toBe(false);
      expect(matches('gt', 21, [18])).toBe(true);
    });

    it('take number values only, as a number attribute is needed: a numeric string value is refused', () => {
      expect(matches('lt', 5, [1e1])).toBe(true);
      expect(clauseValuesProblem('lt', ['ten'])).toMatch(/not a number/);
      expect(clauseValuesProblem('lt', ['10'])).toMatch(/values\[0\] "10" is not a number/);
      expect(clauseValuesProblem('lt', [10, -1.5])).toBeUndefined();
      expect(() => matches('gte', 5, [1, '2'])).toThrow(DefinitionError);
    });

    it('any value holding is enough', () => {
      expect(matches('lt', 15, [10, 20])).toBe(true);
      expect(matches('gt', 15, [10, 20])).toBe(true);
      expect(matches('gt', 5, [10, 20])).toBe(false);
    });
  });

  describe('dates', () => {
    it('read ISO-8601 dates (midnight UTC), date-times with an offset, and epoch milliseconds alike', () => {
      const newYear = Date.UTC(2026, 0, 1);
      expect(matches('before', newYear - 1, ['2026-01-01'])).toBe(true);
      expect(matches('before', newYear, ['2026-01-01'])).toBe(false);
      expect(matches('after', '2026-01-01T00:00:00.001Z', [newYear])).toBe(true);
      expect(matches('before', '2026-01-01T01:00:00+02:00', ['2026-01-01'])).toBe(true);
    });

    it('read fractions of 1 to 9 digits to the millisecond (truncated), as validation accepts them', () => {
      const newYear = Date.UTC(2026, 0, 1);
      expect(clauseValuesProblem('before', ['2026-01-01T00:00:00.123456789Z'])).toBeUndefined();
      expect(matches('after', '2026-01-01T00:00:00.0019Z', [newYear])).toBe(true);
      expect(matches('after', '2026-01-01T00:00:00.0009Z', [newYear])).toBe(false);
      expect(matches('before', '0099-12-31', ['0100-01-01T00:00:00+00:00'])).toBe(true);
    });

    it('refuse a date-time without an offset (local time would differ between browser and server)', () => {
      expect(matches('before', '2020-01-01T00:00:00', ['2026-01-01'])).toBe(false);
      expect(clauseValuesProblem('before', ['2026-01-01T00:00:00'])).toMatch(/ISO-8601/);
      expect(clauseValuesProblem('after', ['next tuesday'])).toMatch(/ISO-8601/);
      expect(clauseValuesProblem('after', ['2026-13-45'])).toMatch(/ISO-8601/);
    });
  });

  describe('semantic versions', () => {
    it('follow semver precedence: prereleases first, numeric parts numerically, build metadata ignored', () => {
      expect(matches('semverLt', '1.2.3-beta.2', ['1.2.3-beta.10'])).toBe(true);
      expect(matches('semverLt', '1.9.9', ['1.10.0'])).toBe(true);
      expect(matches('semverEq', '1.2.3+a', ['1.2.3+b'])).toBe(true);
    });

    it('accept a leading "v" on either side, and refuse incomplete versions', () => {
      expect(matches('semverEq', 'v2.0.0', ['2.0.0'])).toBe(true);
      expect(matches('semverEq', '2.0.0', ['v2.0.0'])).toBe(true);
      expect(matches('semverGt', '2.1', ['1.0.0'])).toBe(false);
      expect(clauseValuesProblem('semverGt', ['2.1'])).toMatch(/semantic version/);
    });
  });

  describe('exists', () => {
    it('matches a present attribute of any type, even false, 0 or ""; not a missing or null one', () => {
      for (const value of ['x', '', 0, false, [], {}]) expect(matches('exists', value, [])).toBe(true);
      expect(matches('exists', undefined, [])).toBe(false);
      expect(matches('exists', null, [])).toBe(false);
      expect(matches('exists', undefined, [], true)).toBe(true);
    });

    it('counts only the context\'s own attributes (not "constructor" or "toString")', () => {
      const clause: Clause = { attribute: 'constructor', op: 'exists', values: [], negate: false };
      expect(clauseMatches(clause, {}, noSegments())).toBe(false);
      expect(
        clauseMatches(
          { ...clause, op: 'in', values: ['function Object() { [native code] }'] },
          {},
          noSegments(),
        ),
      ).toBe(false);
    });
  });

  it('never throws on any attribute, for any operator with readable values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TABLE),
        fc.jsonValue(),
        fc.boolean(),
        ([op, values], attribute, negate) => {
          expect(typeof matches(op, attribute as JsonValue, values, negate)).toBe('boolean');
        },
      ),
    );
  });
});

describe('segmentMatch', () => {
  const segment = (input: Parameters<typeof Segment.parse>[0]) => Segment.parse(input);
  const beta = segment({
    key: 'beta',
    included: ['inc-1', 'both'],
    excluded: ['exc-1', 'both'],
    rules: [
      {
        clauses: [
          { attribute: 'plan', op: 'in', values: ['pro'] },
          { attribute: 'country', op: 'in', values: ['FR'] },
        ],
      },
      { clauses: [{ attribute: 'email', op: 'endsWith', values: ['@acme.com'] }] },
    ],
  });
  const staff = segment({
    key: 'staff',
    rules: [
      {
        clauses: [
          { op: 'segmentMatch', values: ['beta'] },
          { attribute: 'staff', op: 'in', values: ['true'] },
        ],
      },
    ],
  });
  const loopA = segment({
    key: 'loop-a',
    rules: [{ clauses: [{ op: 'segmentMatch', values: ['loop-b'] }] }],
  });
  const loopB = segment({
    key: 'loop-b',
    rules: [{ clauses: [{ op: 'segmentMatch', values: ['loop-a'] }] }],
  });
  const segments = new Map([beta, staff, loopA, loopB].map((s) => [s.key, s]));
  const inSeg = (key: string, context: EvaluationContext) =>
    inSegment(key, context, { segments, segmentPath: [] });
  const clause = (values: string[], negate = false): Clause => ({ op: 'segmentMatch', values, negate });

  it.each([
    ['an included key', { targetingKey: 'inc-1' }, true],
    ['an excluded key, even when a rule matches', { targetingKey: 'exc-1', email: 'x@acme.com' }, false],
    ['a key both included and excluded (excluded wins)', { targetingKey: 'both' }, false],
    ['a context matching all clauses of one rule', { plan: 'pro', country: 'FR' }, true],
    [
      'a context matching only part of a rule (rules are AND-ed clauses)',
      { plan: 'pro', country: 'DE' },
      false,
    ],
    ['a context matching another rule (rules are OR-ed)', { targetingKey: 'x', email: 'x@acme.com' }, true],
    ['a context matching nothing', { targetingKey: 'x' }, false],
  ])('%s: %j -> %s', (_what, context, expected) => {
    expect(inSeg('beta', context as EvaluationContext)).toBe(expected);
    expect(clauseMatches(clause(['beta']), context as EvaluationContext, { segments, segmentPath: [] })).toBe(
      expected,
    );
    expect(
      clauseMatches(clause(['beta'], true), context as EvaluationContext, { segments, segmentPath: [] }),
    ).toBe(!expected);
  });

  it('matches when the context is in any one of the segments named', () => {
    const scope = { segments, segmentPath: [] };
    expect(clauseMatches(clause(['nope', 'beta']), { targetingKey: 'inc-1' }, scope)).toBe(true);
  });

  it('treats an unknown segment as empty', () => {
    expect(inSeg('missing', { targetingKey: 'inc-1' })).toBe(false);
    expect(
      clauseMatches(clause(['missing'], true), { targetingKey: 'inc-1' }, { segments, segmentPath: [] }),
    ).toBe(true);
  });

  it('lets a segment rule name another segment, and survives a cycle between segments', () => {
    expect(inSeg('staff', { targetingKey: 'inc-1', staff: true })).toBe(true);
    expect(inSeg('staff', { targetingKey: 'inc-1', staff: false })).toBe(false);
    expect(inSeg('loop-a', { targetingKey: 'x' })).toBe(false);
  });

  it('takes segments from a function lookup too', () => {
    const scope = { segments: (key: string) => segments.get(key), segmentPath: [] };
    expect(inSegment('beta', { targetingKey: 'inc-1' }, scope)).toBe(true);
  });
});

describe('BoundedCache (compiled patterns, parsed versions)', () => {
  it('computes once per key and keeps at most its capacity, dropping the oldest', () => {
    const cache = new BoundedCache<string, { key: string }>(3);
    let computed = 0;
    const compute = (key: string) => {
      computed++;
      return { key };
    };
    const a = cache.get('a', compute);
    expect(cache.get('a', compute)).toBe(a);
    for (const key of ['b', 'c', 'd', 'e']) cache.get(key, compute);
    expect(cache.size).toBe(3);
    expect(computed).toBe(5);
    expect(cache.get('a', compute)).not.toBe(a); // evicted, computed again
    expect(computed).toBe(6);
  });

  it('caches a computed null or undefined too', () => {
    const cache = new BoundedCache<string, null>(2);
    let computed = 0;
    cache.get('x', () => {
      computed++;
      return null;
    });
    cache.get('x', () => {
      computed++;
      return null;
    });
    expect(computed).toBe(1);
  });
});
