import { describe, expect, it } from '@jest/globals';
import { compareByKey, listByPrefix } from '../../src/flags/flag.js';
import { aFlag } from '../support/flags.js';

describe('flag ordering', () => {
  it('orders two flags by key, in code-unit order, both ways round', () => {
    expect(compareByKey(aFlag('a', 1), aFlag('b', 2))).toBe(-1);
    expect(compareByKey(aFlag('b', 1), aFlag('a', 2))).toBe(1);
    // Code units, not locale: upper case sorts before lower case, digits before both.
    expect(compareByKey(aFlag('Z', 1), aFlag('a', 2))).toBe(-1);
    expect(compareByKey(aFlag('9', 1), aFlag('A', 2))).toBe(-1);
  });

  it('finds two flags with the same key equal', () => {
    expect(compareByKey(aFlag('same', 1), aFlag('same', 2))).toBe(0);
  });

  it('lists only the flags under the prefix, sorted by key whatever the input order', () => {
    const flags = ['beta.c', 'alpha', 'beta.a', 'betamax', 'beta.b', 'Beta.x'].map((key, i) =>
      aFlag(key, i + 1),
    );
    expect(listByPrefix(flags, 'beta.').map((f) => f.key)).toEqual(['beta.a', 'beta.b', 'beta.c']);
    expect(listByPrefix(flags.reverse(), 'beta').map((f) => f.key)).toEqual([
      'beta.a',
      'beta.b',
      'beta.c',
      'betamax',
    ]);
    expect(listByPrefix(flags, '').map((f) => f.key)).toEqual([
      'Beta.x',
      'alpha',
      'beta.a',
      'beta.b',
      'beta.c',
      'betamax',
    ]);
    expect(listByPrefix(flags, 'gamma')).toEqual([]);
  });
});
