import { describe, expect, it } from '@jest/globals';
import { fromForm, toForm } from '../../console/src/flags/editor/form-model.js';
import { mergeDocuments } from '../../console/src/flags/editor/merge.js';
import { distribute, removeWeight, setWeight } from '../../console/src/flags/editor/rollout-weights.js';
import { fieldOfPath } from '../../console/src/flags/editor/server-paths.js';
import { filterFlags } from '../../console/src/flags/flag-filter.js';

describe('rollout weights in the console', () => {
  it('keeps the total when one weight moves, sharing the rest in proportion', () => {
    expect(setWeight([50, 50], 0, 25, 100)).toEqual([25, 75]);
    expect(setWeight([25, 25, 50], 2, 40, 100)).toEqual([30, 30, 40]);
    expect(setWeight([0, 0, 100], 2, 1, 100)).toEqual([50, 49, 1]);
    for (const value of [-5, 0, 33, 100, 250]) {
      const next = setWeight([10, 20, 30, 40], 1, value, 100);
      expect(next.reduce((a, b) => a + b, 0)).toBe(100);
      expect(next.every((w) => Number.isInteger(w) && w >= 0)).toBe(true);
    }
  });

  it('gives a removed entry’s share to the rest, and distributes whole units', () => {
    expect(removeWeight([25, 25, 50], 0, 100)).toEqual([33, 67]);
    expect(distribute(100, [1, 1, 1])).toEqual([34, 33, 33]);
  });
});

describe('redoing an edit on top of someone else’s', () => {
  it('keeps both changes to different fields and names the ones both changed', () => {
    const base = { description: 'a', environments: { production: { enabled: false, offVariant: 'off' } } };
    const theirs = {
      description: 'theirs',
      environments: { production: { enabled: true, offVariant: 'off' } },
    };
    const mine = { description: 'a', environments: { production: { enabled: false, offVariant: 'on' } } };
    expect(mergeDocuments(base, mine, theirs)).toEqual({
      merged: { description: 'theirs', environments: { production: { enabled: true, offVariant: 'on' } } },
      conflicts: [],
    });
    const both = { ...mine, description: 'mine' };
    expect(mergeDocuments(base, both, theirs).conflicts).toEqual(['description']);
  });
});

describe('placing the service’s validation paths on editor fields', () => {
  const form = toForm(
    {
      key: 'f',
      description: '',
      type: 'string',
      tags: [],
      variants: { a: 'A', 'two words': 'B' },
      environments: {
        production: {
          enabled: true,
          offVariant: 'a',
          prerequisites: [],
          targets: [],
          rules: [
            {
              clauses: [{ attribute: 'x', op: 'in', values: ['1'], negate: false }],
              serve: { rollout: { weights: [{ variant: 'a', weight: 1 }] } },
            },
          ],
          fallthrough: { variant: 'a' },
        },
      },
    },
    ['staging', 'production'],
  );

  it('maps environment keys to their place, drops list indexes edited as one text, and flattens rollouts', () => {
    expect(fieldOfPath('environments.production.rules[0].clauses[1].values[2]', form)).toBe(
      'environments.1.rules.0.clauses.1.values',
    );
    expect(fieldOfPath('environments.production.rules[0].serve.rollout.weights[0].variant', form)).toBe(
      'environments.1.rules.0.serve.weights.0.variant',
    );
    expect(fieldOfPath('variants["two words"]', form)).toBe('variants.1.value');
    expect(fieldOfPath('environments.nowhere.offVariant', form)).toBe('environments.nowhere.offVariant');
  });

  it('turns the form back into the document it came from', () => {
    const result = fromForm('f', form);
    expect(result.problems).toEqual([]);
    expect('definition' in result && result.definition.environments).toEqual({
      production: {
        enabled: true,
        offVariant: 'a',
        prerequisites: [],
        targets: [],
        rules: [
          {
            clauses: [{ attribute: 'x', op: 'in', values: ['1'], negate: false }],
            serve: { rollout: { weights: [{ variant: 'a', weight: 1 }] } },
          },
        ],
        fallthrough: { variant: 'a' },
      },
    });
  });
});

describe('the flag list filter', () => {
  it('narrows by text, prefix and tag together', () => {
    const flags = [
      { key: 'checkout.a', tags: ['pay'], description: '' },
      { key: 'checkout.b', tags: [], description: 'Beta search' },
      { key: 'search', tags: ['pay'], description: '' },
    ];
    expect(filterFlags(flags, { text: '', prefix: 'checkout.', tag: 'pay' }).map((f) => f.key)).toEqual([
      'checkout.a',
    ]);
    expect(filterFlags(flags, { text: 'SEARCH', prefix: '', tag: '' }).map((f) => f.key)).toEqual([
      'checkout.b',
      'search',
    ]);
  });
});
